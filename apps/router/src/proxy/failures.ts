import type { RouterErrorCode } from '../errors/codes.ts';

/** What went wrong talking to a backend, in the terms the retry and ejection rules need. */
export type FailureKind = 'connect' | 'closed' | 'timeout' | 'client-gone' | 'too-large' | 'other';

const CONNECT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);
const CLOSED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export class BodyTooLargeError extends Error {
  readonly code = 'SLIPWAY_BODY_TOO_LARGE';
}

/** A refused or unreachable connection ejects the backend; a pool closed by retirement does not. */
export function ejects(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return CONNECT.has(code) && code !== 'UND_ERR_CLOSED' && code !== 'UND_ERR_DESTROYED';
}

export function classify(err: unknown, clientGone: boolean): FailureKind {
  if (err instanceof BodyTooLargeError) return 'too-large';
  if (clientGone) return 'client-gone';
  const code = (err as { code?: string } | null)?.code ?? '';
  if (CONNECT.has(code)) return 'connect';
  if (CLOSED.has(code)) return 'closed';
  if (TIMEOUT.has(code)) return 'timeout';
  return 'other';
}

export const errorCodeFor: Record<FailureKind, RouterErrorCode> = {
  connect: 'H10',
  closed: 'H13',
  timeout: 'H12',
  'client-gone': 'H27',
  'too-large': 'H25',
  other: 'H99',
};

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Retry once on another backend when nothing can have been lost: the method is
 * idempotent, the request has no body to replay, and the backend either refused
 * the connection or closed it before answering.
 */
export function retryable(method: string, hasBody: boolean, kind: FailureKind): boolean {
  return !hasBody && IDEMPOTENT.has(method) && (kind === 'connect' || kind === 'closed');
}
