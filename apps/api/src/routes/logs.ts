import { z } from 'zod';
import { NonceCache } from '@slipway/core';
import { logsChannel, recentLogsKey } from '@slipway/scheduler/channels';
import type { LogLine } from '@slipway/api-types';
import { readLogEntry } from '../agents/log-entry.ts';
import { route } from '../http/route.ts';
import { appAccess, secretsHiddenReason } from '../auth/access.ts';
import { openStream } from '../http/stream.ts';

const logsQuery = z.object({
  lines: z.coerce.number().int().min(0).max(1500).default(100),
  tail: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
  type: z.string().optional(),
  dyno: z.string().optional(),
});

/** A live line older than this was not sent by the API just now: refused as replayed. */
export const LIVE_LINE_MAX_AGE_MS = 60_000;

export const logRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/logs',
    tag: 'logs',
    summary: 'Recent log lines of every instance, and with ?tail=true the live stream (server-sent events, one JSON line each); output of one-off runs only to callers who may see config var values',
    query: logsQuery,
    stream: 'text/event-stream',
    handler: async ({ deps, principal, params, query, req, res }) => {
      const { app, role } = await appAccess(deps, principal, params.app!, 'read');
      // A one-off's output is what its caller typed for (`run -- env`): it is as secret as the config vars.
      const runsShown = !secretsHiddenReason(principal, role);
      const wanted = (l: LogLine) => (runsShown || l.type !== 'run') && (!query.type || l.type === query.type) && (!query.dyno || l.dyno === query.dyno);
      // Subscribe before answering and before reading history, so no line falls in between.
      const pending: LogLine[] = [];
      let live = false;
      const secret = deps.config.SLIPWAY_INTERNAL_SECRET;
      const nonces = new NonceCache();
      const refused = (why: string) => deps.log.warn({ app: app.name }, `refused ${why} log line`);
      const stop = query.tail
        ? await deps.hub.listen(logsChannel(app.id), (message) => {
          const line = readLogEntry(app.id, message, secret, { maxAgeMs: LIVE_LINE_MAX_AGE_MS, nonces });
          if (line === null) return refused('unsigned, foreign, stale or replayed live');
          if (!wanted(line)) return;
          if (live) stream.send(line);
          else pending.push(line);
        })
        : null;
      const stream = openStream(req, res, 'text/event-stream');
      const recent = query.lines ? await deps.redis.lrange(recentLogsKey(app.id), -query.lines * 4, -1) : [];
      const verified = recent.map((r) => readLogEntry(app.id, r, secret));
      if (verified.includes(null)) refused('unsigned or foreign stored');
      const history = verified.filter((l): l is LogLine => l !== null).filter(wanted).slice(-query.lines);
      for (const line of history) stream.send(line);
      const seen = new Set(history.map((l) => `${l.ts}|${l.instanceId}|${l.line}`));
      for (const line of pending) if (!seen.has(`${line.ts}|${line.instanceId}|${line.line}`)) stream.send(line);
      live = true;
      if (!stop) return stream.end();
      await stream.closed;
      await stop();
    },
  }),
];
