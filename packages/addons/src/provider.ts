import type { PlanLimits } from './catalog.ts';

/** What every add-on provider implements: one file per provider, each idempotent. */
export type ServiceName = 'postgres' | 'redis';

/**
 * Credentials the app receives. `url` becomes `<ALIAS>_URL`; each `extra` entry
 * becomes `<ALIAS>_<KEY>` (e.g. Redis's KEY_PREFIX). `secret` is the password,
 * kept so a resumed or repeated provision reuses it instead of inventing another.
 */
export interface Credentials {
  url: string;
  username: string;
  secret: string;
  extra: Record<string, string>;
}

export interface AddonProvider {
  readonly service: ServiceName;
  /**
   * Creates (or completes, or brings back in line) the resources of add-on
   * `addonId` so they accept `secret`. Safe to repeat and to resume after a
   * crash at any step; calling it with a new secret rotates the password.
   * `limits` are the plan's, applied on the server where it can enforce them.
   */
  provision(addonId: string, secret: string, limits: PlanLimits): Promise<Credentials>;
  /** Revokes access and deletes the data. Succeeds when nothing is left to remove. */
  deprovision(addonId: string): Promise<void>;
  /** True when any resource of this add-on still exists on the server. */
  exists(addonId: string): Promise<boolean>;
  close(): Promise<void>;
}

export type Providers = Partial<Record<ServiceName, AddonProvider>>;
