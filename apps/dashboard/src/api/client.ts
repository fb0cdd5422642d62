/** The API's error body: `{ "error": { "code", "message" } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Listeners told when any call answers 401, so the app can return to the login page. */
const unauthorizedListeners = new Set<() => void>();

export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * One JSON call to /v1 on the same origin: the session cookie travels by itself.
 * X-Requested-With marks it as the dashboard's own call: the API refuses cookie-authenticated
 * changes without it (a form on another site cannot send it).
 * Creates carry an Idempotency-Key so a retried click never creates twice.
 */
export async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'slipway-dashboard' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = randomKey();
  let res: Response;
  try {
    res = await fetch(`/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the Slipway API; check your connection and try again');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = parseJson(text);
  if (!res.ok) {
    const err = errorOf(json);
    if (res.status === 401 && path !== '/login') unauthorizedListeners.forEach((l) => l());
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `The API answered ${res.status} ${res.statusText}`);
  }
  return json as T;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorOf(json: unknown): { code: string; message: string } | null {
  const e = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof e?.code === 'string' && typeof e.message === 'string' ? { code: e.code, message: e.message } : null;
}

// crypto.randomUUID exists only in secure contexts; a plain-http install still needs keys.
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
