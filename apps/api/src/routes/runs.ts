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
      const secret = deps.config.SLIPWAY_INTERNAL_SECRET;
      const opts = { maxAgeMs: LIVE_LINE_MAX_AGE_MS, nonces: new NonceCache() };
      const refused = (channel: string) => deps.log.warn({ app: app.name, channel }, 'refused unsigned, foreign, stale or replayed message');
      let name = '';
      const buffered: LogLine[] = [];
      // Listening before the container exists, so its first line cannot be missed.
      const stopLogs = await deps.hub.listen(logsChannel(app.id), (message) => {
        const line = readLogEntry(app.id, message, secret, opts);
        if (line === null) return refused(logsChannel(app.id));
        if (!name) buffered.push(line);
        else if (line.dyno === name) stream.send({ line: line.line, stream: line.stream });
      });
      let run: { instanceId: string; name: string };
      try {
        run = await startOneOff(deps.db, app.id, body.command, SIZES[body.size]);
      } catch (e) {
        await stopLogs();
        throw e;
      }
      const stream = openStream(req, res, 'application/x-ndjson');
      const stopExit = await deps.hub.listen(runExitChannel(run.instanceId), (message) => {
        const exit = readRunExit(run.instanceId, message, secret, opts);
        if (exit === undefined) return refused(runExitChannel(run.instanceId));
        stream.send(exit);
        stream.end();
      });
      name = run.name;
      stream.send({ dyno: run.name });
      for (const l of buffered) if (l.dyno === name) stream.send({ line: l.line, stream: l.stream });
      await audit(deps, req, principal, { action: 'run', teamId: app.teamId, appId: app.id, target: run.name, data: { command: body.command.slice(0, 200) } });
      await stream.closed;
      await Promise.all([stopLogs(), stopExit()]);
    },
  }),
];
