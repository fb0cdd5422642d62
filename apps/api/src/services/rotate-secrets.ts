import type { Deps } from '../deps.ts';

/**
 * Re-encrypts every sealed value with the primary key. Rotation is: prepend a new
 * key to SLIPWAY_SECRET_KEYS, restart, run this, then drop the old key. Rows are
 * rewritten one by one, so it can be interrupted and run again.
 */
export async function rotateSecrets(deps: Deps): Promise<{ configVars: number; releases: number; addons: number }> {
  const { db, box } = deps;
  const counts = { configVars: 0, releases: 0, addons: 0 };
  for (const v of await db.configVar.findMany({ select: { appId: true, key: true, value: true } })) {
    if (!box.needsRotation(v.value)) continue;
    await db.configVar.update({ where: { appId_key: { appId: v.appId, key: v.key } }, data: { value: box.encrypt(box.decrypt(v.value)) } });
    counts.configVars++;
  }
  for (const r of await db.release.findMany({ select: { id: true, config: true } })) {
    if (!box.needsRotation(r.config)) continue;
    await db.release.update({ where: { id: r.id }, data: { config: box.encrypt(box.decrypt(r.config)) } });
    counts.releases++;
  }
  for (const a of await db.addon.findMany({ where: { credentials: { not: null } }, select: { id: true, credentials: true } })) {
    if (!a.credentials || !box.needsRotation(a.credentials)) continue;
    await db.addon.update({ where: { id: a.id }, data: { credentials: box.encrypt(box.decrypt(a.credentials)) } });
    counts.addons++;
  }
  return counts;
}
