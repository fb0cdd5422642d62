import { z } from 'zod';
import { commonEnv, internalSecret, loadEnv, reservedHostsSetting } from '@slipway/core';

const proxyEntry = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6(), z.enum(['loopback', 'linklocal', 'uniquelocal'])], {
  error: 'TRUSTED_PROXIES takes comma-separated IP addresses or CIDRs, e.g. 10.0.0.5,192.168.0.0/16',
});
const trustedProxies = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((e) => e.trim()).filter(Boolean))
  .pipe(z.array(proxyEntry));

/** Every environment variable the API reads, validated once at start. */
export const apiEnv = {
  ...commonEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  SLIPWAY_DOMAIN: z.string().default('slipway.localhost'),
  /** Public port of the edge routers, for app URLs. */
  ROUTER_PORT: z.coerce.number().int().min(1).max(65535).default(80),
  /** BullMQ key prefix, the same in the API and the builders (several platforms can share one Redis). */
  BUILD_QUEUE_PREFIX: z.string().min(1).optional(),
  /** How long a `git push` waits for its release to roll out before returning. */
  ROLLOUT_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  SLIPWAY_PUBLIC_URL: z.string().url().optional(),
  /** More host names of the control plane, comma-separated: never accepted as custom domains (the public URL's host never is). */
  SLIPWAY_RESERVED_HOSTS: reservedHostsSetting,
  /** Prefix of the Redis route keys, the same as the scheduler's and routers' (several platforms on one Redis). */
  ROUTES_KEY_PREFIX: z.string().default(''),
  SLIPWAY_SECRET_KEYS: z.string().min(1, 'set SLIPWAY_SECRET_KEYS to one or more base64 32-byte keys (openssl rand -base64 32)'),
  SESSION_SECRET: z.string().min(16).optional(),
  SLIPWAY_ADMIN_EMAIL: z.string().email().default('admin@slipway.local'),
  SLIPWAY_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** One bare git repository per app; the builder reads the same folder. */
  SLIPWAY_REPOS_DIR: z.string().default('/var/lib/slipway/repos'),
  /** Presented once by a new worker node's agent to register; unset = registration refused. */
  SLIPWAY_JOIN_TOKEN: z.string().min(16, 'SLIPWAY_JOIN_TOKEN must be at least 16 characters').optional(),
  /** Signs what the API puts on the internal bus (desired-state notices, log lines) and checks what it reads (scripts/up.sh generates it). */
  SLIPWAY_INTERNAL_SECRET: internalSecret.optional(),
  /** Login attempts per client address per minute. */
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  /** Failed logins per account (by email) within LOGIN_LOCKOUT_WINDOW_SECONDS before the account's password login is locked for the rest of that window. */
  LOGIN_ACCOUNT_FAILURES: z.coerce.number().int().positive().default(10),
  LOGIN_LOCKOUT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /**
   * Proxies whose X-Forwarded-For/-Proto/-Host the API believes: comma-separated addresses or CIDRs (or express's
   * `loopback`, `linklocal`, `uniquelocal`). Empty (the default): the peer address is the client, whatever it sends.
   */
  TRUSTED_PROXIES: trustedProxies,
};

export type ApiConfig = z.infer<z.ZodObject<typeof apiEnv>>;

export const loadApiConfig = (env: NodeJS.ProcessEnv = process.env): ApiConfig => loadEnv(apiEnv, env);
