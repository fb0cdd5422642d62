import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApi, type TestApi } from '../support/api-server.ts';
import { createServer } from '../../apps/api/src/server.ts';
import { dashboardMiddleware } from '../../apps/api/src/dashboard.ts';
import { DIST, ensureDashboardBuilt } from './build.ts';

export interface TestPlatform {
  /** Dashboard and /v1 on one origin, as the API serves them in production. */
  url: string;
  api: TestApi;
  stop: () => Promise<void>;
}

/**
 * The real API (fresh database, real Redis) with the built dashboard in front of
 * it on the same origin, so the session cookie flows exactly as in production.
 */
export async function startPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  await ensureDashboardBuilt();
  const api = await startApi(env);
  const app = express();
  app.use(dashboardMiddleware(DIST));
  app.use(createServer(api.deps));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    api,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await api.stop();
    },
  };
}
