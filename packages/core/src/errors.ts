/** One error type for the whole platform: a stable code, an HTTP status and a message a user can act on. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'csrf_refused'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unprocessable'
  | 'internal'
  | 'unavailable';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  csrf_refused: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unprocessable: 422,
  internal: 500,
  unavailable: 503,
};

export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'SlipwayError';
    this.code = code;
    this.status = statusOf[code];
    this.details = details;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export const notFound = (what: string): SlipwayError => new SlipwayError('not_found', `${what} not found`);
export const conflict = (message: string): SlipwayError => new SlipwayError('conflict', message);
export const badRequest = (message: string, details?: unknown): SlipwayError =>
  new SlipwayError('bad_request', message, details);
export const forbidden = (message = 'You do not have access to this resource'): SlipwayError =>
  new SlipwayError('forbidden', message);
export const unauthorized = (message = 'Authentication required: log in or pass an API token'): SlipwayError =>
  new SlipwayError('unauthorized', message);

export const isSlipwayError = (e: unknown): e is SlipwayError => e instanceof SlipwayError;
