import type { RequestHandler } from 'express';
import { SlipwayError } from '@slipway/core';

/**
 * Refuses a request whose declared Content-Length is over `maxBytes` at once, from its head. The body parser enforces
 * the same limit on bodies without a length (chunked), but it answers only after reading the whole body.
 */
export function declaredBodyLimit(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    next(declared > maxBytes ? new SlipwayError('payload_too_large', `Request body is ${declared} bytes; the limit here is ${maxBytes}`) : undefined);
  };
}
