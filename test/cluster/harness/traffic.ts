import { request } from 'undici';
import type { Redis } from 'ioredis';
import { getHostRoutes } from '@slipway/routing';

/**
 * A minimal stand-in for the edge router: reads the live route table from Redis, sends
 * each request to the next active backend and, like the router, retries a connection
 * failure once on another backend.
 */
export class Traffic {
  private next = 0;
  ok = 0;
  failed: string[] = [];
  readonly bodies = new Map<string, number>();

  constructor(private readonly redis: Redis, private readonly host: string) {}

  async once(): Promise<string> {
    const routes = (await getHostRoutes(this.redis, this.host)) ?? [];
    const backends = routes.flatMap((r) => r.backends).filter((b) => b.state === 'active');
    if (backends.length === 0) throw new Error('no active backend');
    let lastErr: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      const b = backends[this.next++ % backends.length]!;
      try {
        const res = await request(b.url, { headersTimeout: 3_000, bodyTimeout: 3_000 });
        const body = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${b.url}`);
        return body;
      } catch (err) {
        lastErr = err;
        const code = (err as { code?: string }).code;
        if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET' && code !== 'EHOSTUNREACH') break;
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
