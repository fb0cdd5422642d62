import { DESIRED_CHANNEL, readDesired } from '@slipway/scheduler/channels';
import { route } from '../http/route.ts';
import { appFor } from '../auth/access.ts';
import { openStream } from '../http/stream.ts';

/** Bursts (a rollout touches many instances) become one event per this many ms. */
const COALESCE_MS = 300;

export const eventStreamRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/events/stream',
    tag: 'apps',
    summary: "Server-sent events: `event: ready` once subscribed, then `event: changed` whenever the app's desired or running state changes (reload what you show)",
    stream: 'text/event-stream',
    handler: async ({ deps, principal, params, req, res }) => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const sub = deps.redis.duplicate();
      sub.on('error', (err: Error) => deps.log.warn({ err: err.message }, 'app events subscription error'));
      let timer: NodeJS.Timeout | null = null;
      sub.on('message', (_channel: string, message: string) => {
        // Only notices signed with the bus secret count; '*' is a cluster-wide change (a node came or went).
        const appId = readDesired(message, deps.config.SLIPWAY_INTERNAL_SECRET);
        if ((appId !== app.id && appId !== '*') || timer) return;
        timer = setTimeout(() => {
          timer = null;
          stream.send({ app: app.name, at: new Date().toISOString() }, 'changed');
        }, COALESCE_MS);
      });
      await sub.subscribe(DESIRED_CHANNEL);
      const stream = openStream(req, res, 'text/event-stream');
      stream.send({ app: app.name }, 'ready');
      await stream.closed;
      if (timer) clearTimeout(timer);
      sub.disconnect();
    },
  }),
];
