import { Pool } from 'undici';
import type { HealthCheck } from '@slipway/core';
import { initialHealth, type HealthState } from '../health/thresholds.ts';
import { isEjected, newPassiveState, type PassiveState } from '../health/passive.ts';

/** Runtime state of one backend instance; it outlives route-table swaps while the instance stays listed. */
export class BackendState {
  readonly pool: Pool;
  outstanding = 0;
  health: HealthState = initialHealth;
  readonly passive: PassiveState = newPassiveState();
  healthCheck: HealthCheck | undefined;
  stopChecks: (() => void) | undefined;

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

  /** Eligible for new requests: healthy by active checks and not passively ejected. */
  available(now: number): boolean {
    return this.health.healthy && !isEjected(this.passive, now);
  }

  /** Stops checks and closes the pool once in-flight requests have finished. */
  async retire(): Promise<void> {
    this.stopChecks?.();
    await this.pool.close().catch(() => {});
  }
}

export const backendKey = (id: string, url: string): string => `${id} ${url}`;
