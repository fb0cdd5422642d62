import { SlipwayCliError } from './errors.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A paginated list as the API returns it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

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

  get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    const qs = q.toString();
    return this.request<T>('GET', qs ? `${path}?${qs}` : path);
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
  async list<T>(path: string, query: Record<string, string | undefined> = {}, max = Infinity): Promise<T[]> {
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
    const url = this.baseUrl + path;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      throw new SlipwayCliError(`Cannot reach the Slipway API at ${this.baseUrl}: ${networkReason(e)}`);
    }
    const text = await res.text();
    const json = parseJson(text);
    if (res.ok) return (res.status === 204 ? undefined : json) as T;
    const error = (json as ApiErrorBody | undefined)?.error;
    if (!error?.message) {
      throw new SlipwayCliError(`Unexpected answer from ${this.baseUrl} (${method} ${path}): HTTP ${res.status}`);
    }
    const hint = res.status === 401 && path !== '/v1/login' ? '; run `slipway login`' : '';
    throw new SlipwayCliError(error.message + hint, 1, error.code);
  }
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
