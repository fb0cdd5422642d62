import type { Page } from '@slipway/api-types';
import { SlipwayCliError } from './errors.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface ApiErrorBody {
  error?: { code?: string; message?: string };
}

/** Builds an API path with every interpolated value URL-encoded: api`/v1/apps/${name}`. */
export function api(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((path, s, i) => path + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''), '');
}

const REQUEST_TIMEOUT_MS = 60_000;

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
};

/** Typed JSON calls to the Slipway API; every failure becomes a one-line SlipwayCliError. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  /** Follows `nextCursor` until the list ends or `max` items are in. */
  async list<T>(path: string, query: Query = {}, max = Infinity): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    do {
      const limit = String(Math.min(200, max - items.length));
      const page = await this.get<Page<T>>(path, { ...query, limit, cursor });
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && items.length < max);
    return items;
  }

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body, 'application/json', AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    const json = parseJson(await res.text());
    if (res.ok) return (res.status === 204 ? undefined : json) as T;
    throw this.failure(res, json, method, path);
  }

  /**
   * Opens a streaming endpoint (server-sent events or NDJSON) and returns its
   * body. No overall timeout: a `logs --tail` runs until the user stops it.
   */
  async stream(method: Method, path: string, opts: { body?: unknown; query?: Query; accept: string }): Promise<ReadableStream<Uint8Array>> {
    const full = withQuery(path, opts.query ?? {});
    const res = await this.send(method, full, opts.body, opts.accept);
    if (!res.ok) throw this.failure(res, parseJson(await res.text()), method, full);
    if (!res.body) throw new SlipwayCliError(`Unexpected answer from ${this.baseUrl} (${method} ${full}): no body`);
    return res.body;
  }

  private async send(method: Method, path: string, body: unknown, accept: string, signal?: AbortSignal): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, {
        method,
        headers: {
          accept,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      throw new SlipwayCliError(`Cannot reach the Slipway API at ${this.baseUrl}: ${networkReason(e)}`);
    }
  }

  private failure(res: Response, json: unknown, method: Method, path: string): SlipwayCliError {
    const error = (json as ApiErrorBody | undefined)?.error;
    if (!error?.message) {
      return new SlipwayCliError(`Unexpected answer from ${this.baseUrl} (${method} ${path}): HTTP ${res.status}`);
    }
    const hint = res.status === 401 && path !== '/v1/login' ? '; run `slipway login`' : '';
    return new SlipwayCliError(error.message + hint, 1, error.code);
  }
}

type Query = Record<string, string | undefined>;

function withQuery(path: string, query: Query): string {
  const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return qs ? `${path}?${qs}` : path;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`;
  const code = err.cause?.code;
  if (code && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
  return err.cause?.message ?? err.message;
}
