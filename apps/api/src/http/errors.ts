import type { ErrorRequestHandler, RequestHandler } from 'express';
import { SlipwayError, isSlipwayError, type Logger } from '@slipway/core';
import { Prisma } from '@slipway/db';

/** Seconds a client should wait before retrying when a dependency of the API is down. */
export const RETRY_AFTER_SEC = 2;

// Prisma's codes for a database it cannot reach, lost, or whose pool ran dry.
const UNREACHABLE_PRISMA = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
// Socket errors, and Postgres' class 08 (connection exception) and 57P0x (server shutting down, restarting).
const UNREACHABLE_DRIVER = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|08\w{3}|57P0[1-3])$/;
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** True when the error says the platform's database is unreachable (not that a query was wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  if (err instanceof Prisma.PrismaClientKnownRequestError && UNREACHABLE_PRISMA.has(err.code)) return true;
  // Driver adapter errors (pg) carry the driver's own code; raw pg errors carry it on the error or its causes.
  const adapter = (err as { meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } })?.meta?.driverAdapterError?.cause;
  if (adapter && (UNREACHABLE_KINDS.has(adapter.kind ?? '') || UNREACHABLE_DRIVER.test(adapter.originalCode ?? ''))) return true;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (UNREACHABLE_DRIVER.test(String((e as { code?: unknown }).code ?? ''))) return true;
  }
  return false;
}

/** True when the error is ioredis giving up on an unreachable Redis (retries exhausted, connection closed). */
export function isRedisUnavailable(err: unknown): boolean {
  return err instanceof Error && (err.name === 'MaxRetriesPerRequestError' || err.message === 'Connection is closed.');
}

export const databaseUnavailable = (): SlipwayError =>
  new SlipwayError('unavailable', "The platform's database is unavailable; this is temporary, try again in a moment");

/** Maps body-parser, Prisma and unknown errors onto SlipwayError so clients always get `{ error: { code, message } }`. */
export function toSlipwayError(err: unknown): SlipwayError {
  if (isSlipwayError(err)) return err;
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large') return new SlipwayError('payload_too_large', 'Request body is too large');
  if (e?.type === 'entity.parse.failed') return new SlipwayError('bad_request', 'Request body is not valid JSON');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new SlipwayError('bad_request', 'Unsupported request body encoding');
  }
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  if (isRedisUnavailable(err)) return new SlipwayError('unavailable', "The platform's Redis is unavailable; this is temporary, try again in a moment");
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return new SlipwayError('conflict', 'That name is already taken');
    if (err.code === 'P2025') return new SlipwayError('not_found', 'Resource not found');
  }
  return new SlipwayError('internal', 'Internal error; the request id in X-Request-Id identifies it in the logs');
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toSlipwayError(err);
    // A dependency being down is one line per request, not a stack: /healthz and the logs of the dependency tell the rest.
    if (e.code === 'unavailable') log.warn({ reqId: req.id, path: req.path, reason: e.message }, 'request refused: dependency unavailable');
    else if (e.status >= 500) log.error({ err, reqId: req.id }, 'request failed');
    if (res.headersSent) return res.end();
    if (e.code === 'unavailable') res.setHeader('Retry-After', String(RETRY_AFTER_SEC));
    res.status(e.status).json(e.toJSON());
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new SlipwayError('not_found', `No route for ${req.method} ${req.path}`));
