import type { IncomingHttpHeaders } from 'node:http';

/** Connection-scoped headers that a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade',
]);
/** Set by the router itself; client-sent values are replaced (X-Forwarded-For is appended to). */
const OWNED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-request-start', 'x-request-id']);

export interface ClientInfo {
  remoteAddress: string;
  proto: 'http' | 'https';
  host: string;
  port: number;
  requestId: string;
  startMs: number;
}

/**
 * Headers named in `Connection: a, b` are hop-by-hop too. Only names beyond the
 * standard hop-by-hop ones are collected, so the usual `keep-alive` or `close` costs no set.
 */
function connectionTokens(value: string, into: Set<string> | undefined): Set<string> | undefined {
  const v = value.toLowerCase();
  if (v === 'keep-alive' || v === 'close') return into;
  for (const part of v.split(',')) {
    const t = part.trim();
    if (t && t !== 'close' && !HOP_BY_HOP.has(t)) (into ??= new Set()).add(t);
  }
  return into;
}

/** The request headers sent upstream, as a flat [name, value, …] list so repeated headers keep their order. */
export function upstreamHeaders(rawHeaders: readonly string[], client: ClientInfo): string[] {
  const out: string[] = [];
  let priorFor = '';
  let named: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower)) {
      if (lower === 'connection') named = connectionTokens(value, named);
    } else if (OWNED.has(lower)) {
      if (lower === 'x-forwarded-for') priorFor = priorFor ? `${priorFor}, ${value}` : value;
    } else {
      out.push(name, value);
    }
  }
  if (named) {
    // Connection may come after the headers it names: drop them now.
    let w = 0;
    for (let r = 0; r < out.length; r += 2) {
      if (named.has(out[r]!.toLowerCase())) continue;
      out[w++] = out[r]!;
      out[w++] = out[r + 1]!;
    }
    out.length = w;
  }
  const remote = client.remoteAddress.startsWith('::ffff:') ? client.remoteAddress.slice(7) : client.remoteAddress;
  out.push(
    'x-forwarded-for', priorFor ? `${priorFor}, ${remote}` : remote,
    'x-forwarded-proto', client.proto,
    'x-forwarded-host', client.host,
    'x-forwarded-port', String(client.port),
    'x-request-id', client.requestId,
    'x-request-start', `t=${client.startMs}`,
  );
  return out;
}

/** The backend's response headers minus hop-by-hop ones, ready for writeHead. */
export function downstreamHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const connection = headers.connection;
  const named = typeof connection === 'string' ? connectionTokens(connection, undefined) : undefined;
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** A request id is kept when the client sent a sane one, so traces join up across hops. */
export function acceptRequestId(sent: string | string[] | undefined): string | undefined {
  const v = Array.isArray(sent) ? sent[0] : sent;
  return v && /^[\w.:@/+=-]{1,200}$/.test(v) ? v : undefined;
}
