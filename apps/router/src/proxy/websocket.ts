import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import { pickBackend } from '../balance/pick.ts';
import { sendSocketError } from '../errors/respond.ts';
import { pinnedBackend } from './affinity.ts';
import type { ProxyContext } from './context.ts';
import { acceptRequestId } from './headers.ts';

/**
 * WebSocket upgrades go through http-proxy: the client socket is spliced to one
 * backend connection for its whole life, so it stays on that backend even if
 * the route changes; only new upgrades see the new table.
 */
export function upgradeHandler(ctx: ProxyContext, proto: 'http' | 'https') {
  const proxy = httpProxy.createProxyServer({ ws: true, xfwd: false, proxyTimeout: ctx.config.REQUEST_TIMEOUT_MS });
  proxy.on('error', (err) => ctx.log.debug({ err: err.message }, 'websocket proxy error'));

  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const requestId = acceptRequestId(req.headers['x-request-id']) ?? randomUUID();
    const net = socket as Socket;
    const host = req.headers.host ?? '';
    const route = ctx.table().match(host, req.url ?? '/');
    const refuse = (code: 'H00' | 'H14' | 'H22' | 'H10'): void => {
      ctx.metrics.errors.inc({ app: route?.app ?? '-', code });
      ctx.log.warn({ app: route?.app ?? '-', requestId, code, path: req.url }, `router error ${code}`);
      sendSocketError(socket, code, requestId);
    };
    const limit = ctx.config.MAX_CONNECTIONS_PER_CLIENT;
    if (limit > 0 && ctx.connections.count(net.remoteAddress) > limit) return refuse('H22');
    if (!route) return refuse('H00');
    const pinned = route.affinity ? pinnedBackend(ctx.affinitySecret, route.app, req.headers.cookie) : undefined;
    const backend = pickBackend(route, ctx.registry, Date.now(), new Set(), pinned);
    if (!backend) return refuse('H14');

    const remote = (net.remoteAddress ?? '').replace(/^::ffff:/, '');
    const prior = req.headers['x-forwarded-for'];
    const headers = {
      'x-forwarded-for': prior ? `${String(prior)}, ${remote}` : remote,
      'x-forwarded-proto': proto === 'https' ? 'wss' : 'ws',
      'x-forwarded-host': host,
      'x-forwarded-port': String(net.localPort ?? ''),
      'x-request-id': requestId,
      'x-request-start': `t=${Date.now()}`,
    };
    net.setTimeout(0);
    ctx.metrics.websockets.inc({ app: route.app });
    ctx.tunnels.add(socket);
    socket.once('close', () => {
      ctx.tunnels.delete(socket);
      ctx.metrics.websockets.dec({ app: route.app });
    });
    ctx.log.debug({ app: route.app, backend: backend.id, requestId }, 'websocket');
    proxy.ws(req, socket, head, { target: backend.url, headers }, () => {
      if (socket.writable) refuse('H10');
      else socket.destroy();
    });
  };
}
