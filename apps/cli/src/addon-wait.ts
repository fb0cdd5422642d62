import type { Addon } from '@slipway/api-types';
import { api, type ApiClient } from './client.ts';
import { SlipwayCliError } from './errors.ts';

export const WAIT_LIMIT_MS = 5 * 60_000;
const POLL_MS = 1000;

/** Polls an add-on until it leaves `provisioning`; calls `progress` after each look. */
export async function waitForAddon(client: ApiClient, addon: Addon, progress: (addon: Addon, elapsedMs: number) => void): Promise<Addon> {
  const start = Date.now();
  let current = addon;
  while (current.state === 'provisioning') {
    if (Date.now() - start >= WAIT_LIMIT_MS) {
      throw new SlipwayCliError(
        `${addon.name} is still provisioning after ${WAIT_LIMIT_MS / 60_000} minutes; it carries on in the background: check it with \`slipway addons:info ${addon.name}\``,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    current = await client.get<Addon>(api`/v1/addons/${addon.id}`);
    progress(current, Date.now() - start);
  }
  return current;
}
