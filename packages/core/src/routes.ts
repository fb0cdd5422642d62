import { z } from 'zod';

/**
 * The contract between the control plane (writer) and the edge router (reader).
 * Every route lives in the Redis hash ROUTES_KEY, field = hostname, value = JSON Route.
 * After each change the writer publishes the changed hostname on ROUTES_CHANNEL;
 * routers reload that one entry (or the whole hash on start and on reconnect).
 */
export const ROUTES_KEY = 'slipway:routes';
export const ROUTES_CHANNEL = 'slipway:routes:changed';

export const backendSchema = z.object({
  /** Stable id, the instance id: affinity cookies and metrics refer to it. */
  id: z.string().min(1),
  /** Base URL of the instance, e.g. http://10.231.0.11:31001 */
  url: z.string().url(),
  /** A draining backend gets no new requests; in-flight ones finish. */
  state: z.enum(['active', 'draining']).default('active'),
});

export const routeSchema = z.object({
  app: z.string().min(1),
  /** Longest matching prefix wins among routes for the same host. */
  pathPrefix: z.string().startsWith('/').default('/'),
  balance: z.enum(['round-robin', 'least-outstanding']).default('round-robin'),
  affinity: z.boolean().default(false),
  backends: z.array(backendSchema),
});

/** One hostname may carry several path-prefixed routes. */
export const hostRoutesSchema = z.array(routeSchema);

export type Backend = z.infer<typeof backendSchema>;
export type Route = z.infer<typeof routeSchema>;
export type HostRoutes = z.infer<typeof hostRoutesSchema>;
