import type { RequestHandler } from 'express';
import type { Deps } from '../deps.ts';
import { RETRY_AFTER_SEC } from './errors.ts';

/** How long one dependency may take to answer before it counts as down. */
const PROBE_TIMEOUT_MS = 1_500;

type Status = 'up' | 'down';

async function probe(check: () => Promise<unknown>): Promise<Status> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Status>((resolve) => {
    timer = setTimeout(() => resolve('down'), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then((): Status => 'up', (): Status => 'down'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /healthz: 200 `{ ok: true, database: 'up', redis: 'up' }`, or 503 with Retry-After naming the
 * dependency that is down, so an operator (and a load balancer) sees why the API refuses work.
 */
export function healthz(deps: Pick<Deps, 'db' | 'redis'>): RequestHandler {
  return async (_req, res) => {
    const [database, redis] = await Promise.all([probe(() => deps.db.$queryRaw`SELECT 1`), probe(() => deps.redis.ping())]);
    const ok = database === 'up' && redis === 'up';
    if (!ok) res.status(503).setHeader('Retry-After', String(RETRY_AFTER_SEC));
    res.json({ ok, database, redis });
  };
}
