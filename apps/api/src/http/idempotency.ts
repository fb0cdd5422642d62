import type { Request } from 'express';
import { SlipwayError } from '@slipway/core';
import { Prisma } from '@slipway/db';
import type { Deps } from '../deps.ts';
import type { Principal } from '../auth/principal.ts';

interface Result {
  status: number;
  body: unknown;
}

const IN_PROGRESS = 0;

/**
 * Stripe-style Idempotency-Key: the first request with a key claims it, runs, and
 * stores its response; a repeat gets the stored response; a concurrent repeat
 * gets 409. A failed first attempt releases the key so the client may retry.
 */
export async function withIdempotency(deps: Deps, req: Request, principal: Principal, run: () => Promise<Result>): Promise<Result> {
  const key = req.get('Idempotency-Key');
  if (!key) return run();
  if (key.length > 255) throw new SlipwayError('bad_request', 'Idempotency-Key must be at most 255 characters');
  const where = { userId_key: { userId: principal.user.id, key } };
  try {
    await deps.db.idempotencyKey.create({
      data: { key, userId: principal.user.id, method: req.method, path: req.originalUrl, status: IN_PROGRESS, response: {} },
    });
  } catch (e) {
    if (!(e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002')) throw e;
    const prior = await deps.db.idempotencyKey.findUnique({ where });
    if (!prior) throw new SlipwayError('conflict', 'Idempotency key was just released; retry the request');
    if (prior.method !== req.method || prior.path !== req.originalUrl) {
      throw new SlipwayError('unprocessable', 'This Idempotency-Key was used for a different request');
    }
    if (prior.status === IN_PROGRESS) throw new SlipwayError('conflict', 'A request with this Idempotency-Key is still in progress');
    return { status: prior.status, body: prior.response };
  }
  try {
    const result = await run();
    await deps.db.idempotencyKey.update({ where, data: { status: result.status, response: (result.body ?? null) as Prisma.InputJsonValue } });
    return result;
  } catch (e) {
    await deps.db.idempotencyKey.delete({ where }).catch(() => undefined);
    throw e;
  }
}
