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
      let timer: NodeJS.Timeout | null = null;
      const stop = await deps.hub.listen(DESIRED_CHANNEL, (message) => {
        // Only notices signed with the bus secret count; '*' is a cluster-wide change (a node came or went).
        const appId = readDesired(message, deps.config.SLIPWAY_INTERNAL_SECRET);
        if ((appId !== app.id && appId !== '*') || timer) return;
        timer = setTimeout(() => {
          timer = null;
          stream.send({ app: app.name, at: new Date().toISOString() }, 'changed');
        }, COALESCE_MS);
      });
      const stream = openStream(req, res, 'text/event-stream');
      stream.send({ app: app.name }, 'ready');
      await stream.closed;
      if (timer) clearTimeout(timer);
      await stop();
    },
  }),
];
