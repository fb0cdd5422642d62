import { z } from 'zod';
import { NonceCache } from '@slipway/core';
import { logsChannel, readRunExit, runExitChannel } from '@slipway/scheduler/channels';
import type { LogLine } from '@slipway/api-types';
import { readLogEntry } from '../agents/log-entry.ts';
import { LIVE_LINE_MAX_AGE_MS } from './logs.ts';
import { SIZES, startOneOff } from '@slipway/scheduler/operations';
import { route } from '../http/route.ts';
import { appFor } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { openStream } from '../http/stream.ts';

export const runRoutes = [
  route({
    method: 'post',
    path: '/v1/apps/:app/runs',
    tag: 'processes',
    summary: "Run a one-off command in a container with the current release's env; streams NDJSON {line} records, then {exitCode}",
    body: z.strictObject({ command: z.string().min(1).max(8192), size: z.enum(Object.keys(SIZES) as [keyof typeof SIZES]).default('standard') }),
    stream: 'application/x-ndjson',
    handler: async ({ deps, principal, params, body, req, res }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const sub = deps.redis.duplicate();
      let name = '';
      const buffered: LogLine[] = [];
      const nonces = new NonceCache();
      sub.on('message', (channel: string, message: string) => {
        const opts = { maxAgeMs: LIVE_LINE_MAX_AGE_MS, nonces };
        const refused = () => deps.log.warn({ app: app.name, channel }, 'refused unsigned, foreign, stale or replayed message');
        if (channel === logsChannel(app.id)) {
          const line = readLogEntry(app.id, message, deps.config.SLIPWAY_INTERNAL_SECRET, opts);
          if (line === null) return refused();
          if (!name) buffered.push(line);
          else if (line.dyno === name) stream.send({ line: line.line, stream: line.stream });
        } else {
          const exit = readRunExit(run.instanceId, message, deps.config.SLIPWAY_INTERNAL_SECRET, opts);
          if (exit === undefined) return refused();
          stream.send(exit);
          stream.end();
        }
      });
      // Subscribed before the container exists, so its first line cannot be missed.
      await sub.subscribe(logsChannel(app.id));
      let run: { instanceId: string; name: string };
      try {
        run = await startOneOff(deps.db, app.id, body.command, SIZES[body.size]);
      } catch (e) {
        sub.disconnect();
        throw e;
      }
      const stream = openStream(req, res, 'application/x-ndjson');
      await sub.subscribe(runExitChannel(run.instanceId));
      name = run.name;
      stream.send({ dyno: run.name });
      for (const l of buffered) if (l.dyno === name) stream.send({ line: l.line, stream: l.stream });
      await audit(deps, req, principal, { action: 'run', teamId: app.teamId, appId: app.id, target: run.name, data: { command: body.command.slice(0, 200) } });
      await stream.closed;
      sub.disconnect();
    },
  }),
];
