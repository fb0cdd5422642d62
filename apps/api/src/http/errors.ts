import type { ErrorRequestHandler, RequestHandler } from 'express';
import { SlipwayError, isSlipwayError, type Logger } from '@slipway/core';
import { Prisma } from '@slipway/db';

/** Maps body-parser, Prisma and unknown errors onto SlipwayError so clients always get `{ error: { code, message } }`. */
export function toSlipwayError(err: unknown): SlipwayError {
  if (isSlipwayError(err)) return err;
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large') return new SlipwayError('payload_too_large', 'Request body is too large');
  if (e?.type === 'entity.parse.failed') return new SlipwayError('bad_request', 'Request body is not valid JSON');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new SlipwayError('bad_request', 'Unsupported request body encoding');
  }
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return new SlipwayError('conflict', 'That name is already taken');
    if (err.code === 'P2025') return new SlipwayError('not_found', 'Resource not found');
  }
  return new SlipwayError('internal', 'Internal error; the request id in X-Request-Id identifies it in the logs');
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = toSlipwayError(err);
    if (e.status >= 500) log.error({ err, reqId: req.id }, 'request failed');
    if (res.headersSent) return res.end();
    res.status(e.status).json(e.toJSON());
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new SlipwayError('not_found', `No route for ${req.method} ${req.path}`));
