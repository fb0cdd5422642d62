import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadApiConfig } from '../../apps/api/src/config.ts';
import { closeDeps, createDeps } from '../../apps/api/src/create-deps.ts';
import { createServer } from '../../apps/api/src/server.ts';
import { bootstrapAdmin } from '../../apps/api/src/services/users.ts';
import type { Deps } from '../../apps/api/src/deps.ts';
import { freshDatabase } from './database.ts';

export interface TestApi {
  url: string;
  deps: Deps;
  admin: { email: string; password: string };
  stop: () => Promise<void>;
}

/** The real API on a real socket, over its own fresh database (on `pgServer`, default the machine's) and the real Redis. */
export async function startApi(env: Record<string, string> = {}, pgServer?: string): Promise<TestApi> {
  const name = `t${randomBytes(4).toString('hex')}`;
  const database = await freshDatabase(pgServer);
  const password = randomBytes(9).toString('base64url');
  const config = loadApiConfig({
    DATABASE_URL: database.url,
    SLIPWAY_SECRET_KEYS: randomBytes(32).toString('base64'),
    SLIPWAY_ADMIN_PASSWORD: password,
    PORT: '0',
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT: '1000',
    SLIPWAY_REPOS_DIR: `/tmp/slipway-test-repos/${name}`,
    ...env,
  });
  // Add-on servers only when the test asks for them; BullMQ queues private to this platform.
  const deps = createDeps(config, env, `slipway-test-${name}`);
  const admin = await bootstrapAdmin(deps);
  if (!admin) throw new Error('expected a fresh database');
  const server: Server = await new Promise((resolve) => {
    const s = createServer(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deps.config.PORT = (server.address() as AddressInfo).port;
  return {
    url,
    deps,
    admin,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await closeDeps(deps);
      await database.drop();
    },
  };
}

/** A tiny JSON client for tests: returns status, headers and parsed body. */
export function client(base: string, token?: string) {
  return async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json };
  };
}

/** Logs in with a password and returns an API token. */
export async function tokenFor(base: string, email: string, password: string): Promise<string> {
  const res = await client(base)('POST', '/v1/login', { email, password, tokenDescription: 'test' });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}
