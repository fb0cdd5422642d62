import { request } from 'undici';
import type { Redis } from 'ioredis';
import { getHostRoutes, type RouteKeys } from '@slipway/routing';
import type { Backend } from '@slipway/core';

/**
 * A minimal stand-in for the edge router: reads the live route table from Redis, sends
 * each request to the next active backend and, like the router, retries a connection
 * failure once on another backend and ejects a backend that refused a connection.
 */
export class Traffic {
  private next = 0;
  /** Backends that refused a connection: skipped while others remain, as the router's passive ejection does. */
  private readonly ejected = new Set<string>();
  ok = 0;
  failed: string[] = [];
  readonly bodies = new Map<string, number>();

  constructor(private readonly redis: Redis, private readonly keys: RouteKeys, private readonly host: string) {}

  async once(): Promise<string> {
    const routes = (await getHostRoutes(this.redis, this.host, this.keys)) ?? [];
    const active = routes.flatMap((r) => r.backends).filter((b) => b.state === 'active');
    if (active.length === 0) throw new Error('no active backend');
    const healthy = active.filter((b) => !this.ejected.has(b.url));
    const backends = healthy.length > 0 ? healthy : active;
    let lastErr: unknown;
    let failedNode: string | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      // Like the router, a retry prefers another node: a dead node takes all its instances.
      const elsewhere: Backend[] = failedNode === null ? backends : backends.filter((x) => new URL(x.url).hostname !== failedNode);
      const pool: Backend[] = elsewhere.length > 0 ? elsewhere : backends;
      const b: Backend = pool[this.next++ % pool.length]!;
      try {
        const res = await request(b.url, { headersTimeout: 3_000, bodyTimeout: 3_000 });
        const body = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${b.url}`);
        return body;
      } catch (err) {
        lastErr = err;
        const code = (err as { code?: string }).code;
        if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET' && code !== 'EHOSTUNREACH') break;
        this.ejected.add(b.url);
        failedNode = new URL(b.url).hostname;
      }
    }
    throw lastErr;
  }

  /** Sends requests back to back until `until()` is true or `max` were sent; counts outcomes. */
  async stream(until: () => boolean, max: number, gapMs = 20): Promise<void> {
    for (let n = 0; n < max && !until(); n++) {
      try {
        const body = await this.once();
        this.ok++;
        const version = body.split(' ')[0]!;
        this.bodies.set(version, (this.bodies.get(version) ?? 0) + 1);
      } catch (err) {
        this.failed.push(String(err));
      }
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }
}
