import type { LogLine } from '@slipway/api-types';

/** Heroku's log format: `2026-11-25T21:00:00.000Z app[web.1]: GET / 200`; the platform's own lines read `slipway[web.1]` (Heroku's `heroku[web.1]`). */
export const formatLogLine = (l: LogLine): string => `${l.ts} ${l.source === 'platform' ? 'slipway' : 'app'}[${l.dyno}]: ${l.line}`;
