import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pickBackend } from '../balance/pick.ts';
import type { RouterErrorCode } from '../errors/codes.ts';
import { sendError } from '../errors/respond.ts';
import { recordOutcome } from '../health/passive.ts';
import { pinnedBackend, setCookieHeader } from './affinity.ts';
import { record, type ProxyContext } from './context.ts';
import { classify, errorCodeFor, ejects, retryable, type FailureKind } from './failures.ts';
import { acceptRequestId, downstreamHeaders, upstreamHeaders } from './headers.ts';
import { bodyLimit } from './limits.ts';
import { UpstreamExchange } from './upstream.ts';

/** The request handler for plain and TLS listeners. */
export function httpHandler(ctx: ProxyContext, proto: 'http' | 'https') {
  return (req: IncomingMessage, res: ServerResponse): void => {
    proxyRequest(ctx, proto, req, res).catch((err: Error) => {
      ctx.log.error({ err: err.message }, 'unexpected proxy failure');
      sendError(res, 'H99', '-');
    });
  };
}

async function proxyRequest(ctx: ProxyContext, proto: 'http' | 'https', req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startMs = Date.now();
  const t0 = performance.now();
  const cfg = ctx.config;
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  const host = req.headers.host ?? '';
  const requestId = acceptRequestId(req.headers['x-request-id']) ?? randomUUID();
  const route = ctx.table().match(host, path);
  const socket = req.socket;
  const bytesBefore = socket.bytesWritten;
  let code: RouterErrorCode | undefined;
  let backendId: string | undefined;
  let upstreamMs: number | undefined;
  let retried = false;

  let exchange: UpstreamExchange | undefined;
  let clientGone = false;
  res.once('close', () => {
    if (!res.writableFinished) {
      clientGone = true;
      exchange?.cancel(new Error('client closed the request'));
    }
    record(ctx, {
      app: route?.app ?? '-', method, path, status: res.headersSent ? res.statusCode : 499,
      bytes: socket.bytesWritten - bytesBefore, totalMs: performance.now() - t0,
      upstreamMs, backend: backendId, requestId, code: code ?? (res.writableFinished ? undefined : 'H27'), retried,
    });
  });
  const fail = (c: RouterErrorCode, close = false): void => {
    code = c;
    sendError(res, c, requestId, close);
  };

  if (cfg.MAX_CONNECTIONS_PER_CLIENT > 0 && ctx.connections.count(socket.remoteAddress) > cfg.MAX_CONNECTIONS_PER_CLIENT) {
    return fail('H22', true);
  }
  if (!route) return fail('H00');
  const httpsPort = proto === 'http' && cfg.HTTPS_REDIRECT ? ctx.httpsPort() : undefined;
  if (httpsPort !== undefined) {
    const port = httpsPort === 443 ? '' : `:${httpsPort}`;
    res.writeHead(308, { location: `https://${host.replace(/:\d+$/, '')}${port}${path}`, 'content-length': 0 });
    return void res.end();
  }

  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (length !== undefined && Number(length) > cfg.MAX_BODY_BYTES) return fail('H25', true);
  const hasBody = chunked || (length !== undefined && length !== '0');
  const body: Readable | null = !hasBody ? null : chunked ? req.pipe(bodyLimit(cfg.MAX_BODY_BYTES)) : req;

  const headers = upstreamHeaders(req.rawHeaders, {
    remoteAddress: socket.remoteAddress ?? '', proto, host, port: socket.localPort ?? 0, requestId, startMs,
  });
  // A body stream can fail before undici reads it (client gone, over the limit): that ends the attempt.
  body?.on('error', (err: Error) => exchange?.cancel(err));

  const pinned = route.affinity ? pinnedBackend(ctx.affinitySecret, route.app, req.headers.cookie) : undefined;
  const tried = new Set<string>();
  let lastFailure: FailureKind | undefined;
  for (;;) {
    const backend = pickBackend(route, ctx.registry, Date.now(), tried, pinned);
    if (!backend) return fail(lastFailure ? errorCodeFor[lastFailure] : 'H14');
    tried.add(backend.key);
    backendId = backend.id;
    const cookie = route.affinity && backend.id !== pinned ? setCookieHeader(ctx.affinitySecret, route.app, backend.id, proto === 'https') : undefined;
    const u0 = performance.now();
    backend.outstanding++;
    exchange = new UpstreamExchange(res, (statusCode, upstream) => {
      upstreamMs = performance.now() - u0;
      recordOutcome(backend.passive, statusCode >= 500 ? '5xx' : 'ok', Date.now(), ctx.eject);
      const out = downstreamHeaders(upstream);
      if (cookie) out['set-cookie'] = [...[out['set-cookie'] ?? []].flat(), cookie];
      out['x-request-id'] ??= requestId;
      return out;
    });
    try {
      backend.pool.dispatch(
        { path, method, headers, body, headersTimeout: cfg.REQUEST_TIMEOUT_MS, bodyTimeout: cfg.BACKEND_IDLE_TIMEOUT_MS },
        exchange,
      );
      await exchange.done;
      return;
    } catch (err) {
      const kind = classify(err, clientGone);
      if (kind === 'connect' || kind === 'closed' || kind === 'timeout') {
        const ejected = recordOutcome(backend.passive, ejects(err) ? 'connect' : '5xx', Date.now(), ctx.eject);
        if (ejected) ctx.log.warn({ app: route.app, backend: backend.id, kind }, 'backend ejected');
      }
      if (!res.headersSent && retryable(method, hasBody, kind) && !retried) {
        retried = true;
        lastFailure = kind;
        continue;
      }
      if (kind === 'client-gone') return;
      return fail(errorCodeFor[kind], kind === 'too-large');
    } finally {
      backend.outstanding--;
    }
  }
}
