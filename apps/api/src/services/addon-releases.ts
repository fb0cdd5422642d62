import type { AddonChange } from '@slipway/addons';
import type { Deps } from '../deps.ts';
import { createRelease, inReleaseTx, notifyDesired } from './releases.ts';

const verb: Partial<Record<AddonChange['state'], string>> = {
  available: 'Attach',
  deprovisioned: 'Detach',
};

/** An add-on became available or went away: each attached app gets a release with the new vars, rolled out. */
export async function releaseForAddonChange(deps: Deps, change: AddonChange): Promise<void> {
  const action = verb[change.state];
  if (!action) return;
  const addon = await deps.db.addon.findUnique({ where: { id: change.addonId }, select: { name: true } });
  for (const appId of change.appIds) await releaseApp(deps, appId, `${action} ${addon?.name ?? change.addonId}`);
}

/** `releasePhase: false` for an add-on changing its own credentials, the one change Heroku runs no release phase for. */
export async function releaseApp(deps: Deps, appId: string, description: string, createdById?: string, opts: { releasePhase?: boolean } = {}): Promise<number | null> {
  const app = await deps.db.app.findUnique({ where: { id: appId }, select: { id: true } });
  if (!app) return null;
  const release = await inReleaseTx(deps, (tx) => createRelease(deps, tx, { appId, description, createdById: createdById ?? null, releasePhase: opts.releasePhase }));
  await notifyDesired(deps, appId);
  return release.version;
}
