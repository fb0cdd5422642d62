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

/** Headers named in `Connection: a, b` are hop-by-hop too. */
function connectionTokens(value: string | undefined): Set<string> {
  if (!value) return new Set();
  return new Set(value.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
}

/**
 * The request headers sent upstream, as a flat [name, value, …] list so
 * repeated headers keep their order. `keepUpgrade` keeps Connection/Upgrade for WebSockets.
 */
export function upstreamHeaders(rawHeaders: readonly string[], client: ClientInfo, keepUpgrade = false): string[] {
  const out: string[] = [];
  let priorFor = '';
  let connection: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'connection') connection = rawHeaders[i + 1];
  }
  const dropped = connectionTokens(connection);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'x-forwarded-for') priorFor = priorFor ? `${priorFor}, ${value}` : value;
    if (OWNED.has(lower)) continue;
    if (keepUpgrade && (lower === 'connection' || lower === 'upgrade')) {
      out.push(name, value);
      continue;
    }
    if (HOP_BY_HOP.has(lower) || dropped.has(lower)) continue;
    out.push(name, value);
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
  const dropped = connectionTokens(typeof headers.connection === 'string' ? headers.connection : undefined);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || dropped.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** A request id is kept when the client sent a sane one, so traces join up across hops. */
export function acceptRequestId(sent: string | string[] | undefined): string | undefined {
  const v = Array.isArray(sent) ? sent[0] : sent;
  return v && /^[\w.:@/+=-]{1,200}$/.test(v) ? v : undefined;
}
