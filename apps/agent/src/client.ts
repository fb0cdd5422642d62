import type { Readable } from 'node:stream';
import { request } from 'undici';
import type { z } from 'zod';
import { GONE_BUILDS_MAX, registerResponse, heartbeatResponse, goneBuildsResponse } from './protocol.ts';
import type { HeartbeatRequest, HeartbeatResponse, LogLine, RegisterRequest, RegisterResponse } from './protocol.ts';

export class ControlPlaneError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Typed calls to the control plane's /v1/agent endpoints. */
export class ControlPlane {
  constructor(private readonly baseUrl: string, private credential: string | null = null) {}

  setCredential(credential: string): void {
    this.credential = credential;
  }

  register(body: RegisterRequest): Promise<RegisterResponse> {
    return this.post('/v1/agent/register', body, registerResponse);
  }

  heartbeat(body: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.post('/v1/agent/heartbeat', body, heartbeatResponse);
  }

  async logs(lines: LogLine[]): Promise<void> {
    await this.post('/v1/agent/logs', { lines }, null);
  }

  /** Which of these builds (named by the node's release images) no longer exist. */
  async goneBuilds(builds: string[]): Promise<string[]> {
    const gone: string[] = [];
    for (let i = 0; i < builds.length; i += GONE_BUILDS_MAX) {
      gone.push(...(await this.post('/v1/agent/gone-builds', { builds: builds.slice(i, i + GONE_BUILDS_MAX) }, goneBuildsResponse)).gone);
    }
    return gone;
  }

  /** A release image as a `docker save` tar stream (GET /v1/agent/images/:ref). */
  async image(ref: string): Promise<Readable> {
    const res = await request(new URL(`/v1/agent/images/${encodeURIComponent(ref)}`, this.baseUrl), {
      headers: { authorization: `Bearer ${this.credential ?? ''}` }, headersTimeout: 30_000, bodyTimeout: 60_000,
    });
    if (res.statusCode !== 200) throw this.failure(`/v1/agent/images/${ref}`, res.statusCode, await res.body.text());
    return res.body;
  }

  private async post<S extends z.ZodType>(path: string, body: unknown, schema: S | null): Promise<z.infer<S>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.credential) headers.authorization = `Bearer ${this.credential}`;
    const res = await request(new URL(path, this.baseUrl), { method: 'POST', headers, body: JSON.stringify(body), headersTimeout: 10_000, bodyTimeout: 10_000 });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw this.failure(path, res.statusCode, text);
    return (schema === null ? undefined : schema.parse(JSON.parse(text))) as z.infer<S>;
  }

  private failure(path: string, status: number, text: string): ControlPlaneError {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch { /* not JSON: keep the raw text */ }
    return new ControlPlaneError(status, `${path}: ${status} ${message}`);
  }
}
