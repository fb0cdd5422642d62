import { totalmem, cpus, hostname } from 'node:os';
import { z } from 'zod';
import { loadEnv } from '@slipway/core';
import { DEFAULT_SUBNETS } from './docker/app-network.ts';
import { nodeName } from './protocol.ts';

/** The agent's whole configuration, read once from the environment. */
export function loadAgentConfig(source: NodeJS.ProcessEnv = process.env) {
  const env = loadEnv(
    {
      SLIPWAY_API_URL: z.string().url(),
      SLIPWAY_JOIN_TOKEN: z.string().min(16).optional(),
      NODE_NAME: nodeName.default(hostname().toLowerCase()),
      /** Address the node's instances publish on and the router reaches. */
      NODE_ADDRESS: z.ipv4(),
      NODE_LABELS: z.string().default(''),
      /**
       * Where the routers connect to instances from (comma-separated IPv4 addresses or CIDRs): the
       * only sources outside the node that reach its instances. Default: the API host's addresses.
       */
      INGRESS_FROM: z.string().default('').pipe(z.transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)))
        .pipe(z.array(z.union([z.ipv4(), z.cidrv4()], { error: 'INGRESS_FROM takes IPv4 addresses or CIDRs, comma-separated' }))),
      NODE_MEMORY_MB: z.coerce.number().int().positive().default(Math.floor(totalmem() / 1048576)),
      NODE_CPUS: z.coerce.number().int().positive().default(cpus().length),
      DOCKER_SOCKET: z.string().default('/var/run/docker.sock'),
      /** Each app's network on the node gets a /APP_NETWORK_PREFIX subnet of this pool (keep it clear of the node's own networks). */
      APP_NETWORK_POOL: z.cidrv4().default(DEFAULT_SUBNETS.pool),
      APP_NETWORK_PREFIX: z.coerce.number().int().min(16).max(28).default(DEFAULT_SUBNETS.prefix),
      AGENT_STATE_DIR: z.string().default('/var/lib/slipway-agent'),
      HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
      /** How often release images of destroyed apps are looked for and removed (also once at start). */
      IMAGE_GC_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    },
    source,
  );
  const labels = Object.fromEntries(
    env.NODE_LABELS.split(',').filter(Boolean).map((kv) => {
      const [k, v = ''] = kv.split('=');
      return [k!.trim(), v.trim()];
    }),
  );
  return { ...env, labels };
}

export type AgentConfig = ReturnType<typeof loadAgentConfig>;
