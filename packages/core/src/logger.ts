import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs, one line per event; secrets are redacted by path. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'password',
        'token',
        '*.password',
        '*.token',
        'credentials',
        '*.credentials',
      ],
      censor: '[redacted]',
    },
  });
}
