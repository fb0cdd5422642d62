import { Pool } from 'undici';
import { isEjected, newPassiveState, type PassiveState } from '../health/passive.ts';

/** Runtime state of one backend instance; it outlives route-table swaps while the instance stays listed. */
export class BackendState {
  readonly pool: Pool;
  outstanding = 0;
  readonly passive: PassiveState = newPassiveState();

  constructor(
    readonly key: string,
    readonly id: string,
    readonly url: string,
    readonly app: string,
    connections: number,
  ) {
    this.pool = new Pool(new URL(url).origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 4_000,
      keepAliveTimeoutThreshold: 1_000,
      connect: { timeout: 3_000 },
    });
  }

  /**
   * Eligible for new requests: not passively ejected. Whether the instance is ready is the
   * agent's readiness checks' to say; the scheduler leaves a not-ready one out of the route.
   */
  available(now: number): boolean {
    return !isEjected(this.passive, now);
  }

  /** Closes the pool once in-flight requests have finished. */
  async retire(): Promise<void> {
    await this.pool.close().catch(() => {});
  }
}

export const backendKey = (id: string, url: string): string => `${id} ${url}`;
