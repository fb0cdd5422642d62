import { availableParallelism } from 'node:os';
import { commonEnv, internalSecret, loadEnv, reservedHostsSetting } from '@slipway/core';
import { z } from 'zod';

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const flag = (def: boolean) =>
  z.enum(['true', 'false', '1', '0']).default(def ? 'true' : 'false').transform((v) => v === 'true' || v === '1');

/** Every setting of the router, from the environment, validated once at start. */
export const routerEnv = {
  REDIS_URL: commonEnv.REDIS_URL,
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  ROUTER_HOST: z.string().default('0.0.0.0'),
  ROUTER_PORT: int(8080),
  ROUTER_ADMIN_HOST: z.string().default('127.0.0.1'),
  ROUTER_ADMIN_PORT: int(9080),
  /** Worker processes; 0 = one per core. */
  ROUTER_WORKERS: int(0),
  /** Apps answer at <app>.<SLIPWAY_DOMAIN>; the control plane writes those hostnames. */
  SLIPWAY_DOMAIN: z.string().default('slipway.localhost'),
  /** The control plane's names (the public URL's host and SLIPWAY_RESERVED_HOSTS): route entries for them are refused. */
  SLIPWAY_PUBLIC_URL: z.string().url().optional(),
  SLIPWAY_RESERVED_HOSTS: reservedHostsSetting,
  /** Prefix for the Redis route keys (tests, several platforms on one Redis). */
  ROUTES_KEY_PREFIX: z.string().default(''),
  /** Time for a backend to send response headers. */
  REQUEST_TIMEOUT_MS: int(30_000),
  /** Longest silence inside a response body from the backend. */
  BACKEND_IDLE_TIMEOUT_MS: int(55_000),
  /** Idle keep-alive client connections are closed after this. */
  CLIENT_IDLE_TIMEOUT_MS: int(60_000),
  MAX_HEADER_BYTES: int(16_384),
  MAX_BODY_BYTES: int(100 * 1024 * 1024),
  /** Open connections allowed per client address; 0 = no limit. */
  MAX_CONNECTIONS_PER_CLIENT: int(1_000),
  /** Keep-alive connections per backend (undici pool size). */
  BACKEND_CONNECTIONS: int(64),
  /** Passive ejection: consecutive 5xx answers that eject a backend, and for how long. */
  EJECT_AFTER_5XX: int(5),
  EJECT_MS: int(10_000),
  /** Key of the affinity cookie HMAC; routers behind one balancer must share it. */
  AFFINITY_SECRET: z.string().min(16).optional(),
  ACCESS_LOG: flag(true),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  ROUTER_HTTPS_PORT: int(8443),
  /** With TLS on, plain HTTP requests are redirected to HTTPS. */
  HTTPS_REDIRECT: flag(false),
  /** Shared with the control plane: route entries and change notifications must carry its signature (unset: unsigned table, a warning at start). */
  SLIPWAY_INTERNAL_SECRET: internalSecret.optional(),
  /** Grace period for in-flight requests on SIGTERM. */
  SHUTDOWN_GRACE_MS: int(25_000),
};

export type RouterConfig = ReturnType<typeof loadRouterConfig>;

export function loadRouterConfig(source: NodeJS.ProcessEnv = process.env) {
  const env = loadEnv(routerEnv, source);
  return { ...env, ROUTER_WORKERS: env.ROUTER_WORKERS || availableParallelism() };
}
