/**
 * Router failures, Heroku-style: each has a stable code sent in the
 * X-Slipway-Error header and written to the access log.
 */
export const routerErrors = {
  H00: { status: 404, title: 'No such app', detail: 'There is no app at this address.' },
  H10: { status: 502, title: 'Application unreachable', detail: 'The app could not be reached. It may be restarting.' },
  H12: { status: 504, title: 'Request timeout', detail: 'The app took too long to respond.' },
  H13: { status: 502, title: 'Connection closed without response', detail: 'The app closed the connection before responding.' },
  H14: { status: 503, title: 'No app instances running', detail: 'No instance of this app is up right now.' },
  H22: { status: 429, title: 'Connection limit reached', detail: 'Too many open connections from your address.' },
  H25: { status: 413, title: 'Request too large', detail: 'The request body is larger than this platform accepts.' },
  H26: { status: 431, title: 'Request headers too large', detail: 'The request headers are larger than this platform accepts.' },
  H27: { status: 499, title: 'Client request interrupted', detail: 'The client closed the request.' },
  H99: { status: 500, title: 'Platform error', detail: 'Something went wrong in the platform. Please retry.' },
} as const;

export type RouterErrorCode = keyof typeof routerErrors;

export const ERROR_HEADER = 'x-slipway-error';
