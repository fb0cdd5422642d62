import { rm } from 'node:fs/promises';
import type { App } from '@slipway/db';
import { cancelBuild } from '@slipway/builder';
import { releaseImages, removeImages, type ReleaseImage } from '@slipway/agent/image-gc';
import { removeAppEverywhere, routeKeys } from '@slipway/routing';
import type { Deps } from '../deps.ts';
import { repoPath } from '../git/repos.ts';
import { releaseApp } from './addon-releases.ts';
import { notifyDesired } from './releases.ts';

export interface DestroyedApp {
  /** Hosts its routes were taken off (every host whose entry named it). */
  hosts: string[];
  addons: string[];
  builds: number;
  /** Release images removed from the control plane's engine (all of them, before the destroy returns). */
  images: number;
}

/**
 * Everything an app owns goes with it. The row goes first (cascading to
 * instances, domains, builds, releases, attachments), so nothing can place or
 * route it again; then the things outside the database, each step idempotent:
 * its add-ons are deprovisioned (other apps they were attached to get a release
 * without them), its routes leave the router table (on every host that names it,
 * not only those it holds now), queued builds leave the queue
 * (a running one is cancelled, and removes what it built),
 * its git repository is deleted (a new app of the same name starts clean) and its
 * release images leave the control plane's engine, where the builder made them
 * (the API holds that engine already, to serve images to nodes): the images
 * labelled with one of its builds, whatever the app was called then, gone before
 * this returns, so no later build (of any app, or a new app of the same name) finds
 * them. The nodes' copies of images and their containers need no call: agents remove
 * the containers no longer assigned to them and the images of builds that no longer
 * exist at their next image collection, also on a node that was down and reports later.
 */
export async function destroyApp(deps: Deps, app: App, actorId: string): Promise<DestroyedApp | null> {
  const [builds, addons] = await Promise.all([
    deps.db.build.findMany({ where: { appId: app.id }, select: { id: true, status: true } }),
    deps.db.addon.findMany({ where: { ownerAppId: app.id, state: { not: 'deprovisioned' } }, select: { id: true, name: true } }),
  ]);
  const { count } = await deps.db.app.deleteMany({ where: { id: app.id } });
  if (!count) return null;
  for (const addon of addons) {
    const { detachedAppIds } = await deps.broker.service.deprovision(addon.id);
    for (const other of detachedAppIds.filter((id) => id !== app.id)) await releaseApp(deps, other, `Detach ${addon.name} (its app was destroyed)`, actorId);
  }
  const hosts = await removeAppEverywhere(deps.redis, app.name, routeKeys(deps.config.ROUTES_KEY_PREFIX), deps.config.SLIPWAY_INTERNAL_SECRET);
  const queued = builds.filter((b) => b.status === 'pending' || b.status === 'building');
  for (const b of queued) {
    // A queued build leaves the queue; a running one is asked to stop (its row is gone, so this only sets the cancel flag).
    await deps.buildQueue.remove(b.id).catch((err: unknown) => deps.log.warn({ err, build: b.id }, 'queued build not removed'));
    await cancelBuild(deps.db, deps.redis, b.id, deps.config.SLIPWAY_INTERNAL_SECRET);
  }
  await rm(repoPath(deps.config.SLIPWAY_REPOS_DIR, app.name), { recursive: true, force: true });
  await notifyDesired(deps, app.id);
  const images = await removeBuildImages(deps, new Set(builds.map((b) => b.id)), app.name);
  return { hosts, addons: addons.map((a) => a.name), builds: queued.length, images };
}

/**
 * Removes the images of these (destroyed) builds from the control plane's engine; returns
 * how many went. On a one-machine install the node's containers run on this engine too:
 * those made from the app's images (only that app's: no other app can build on or run
 * them) go first, rather than at the agent's next pass (it finds them gone). An image
 * the app built FROM another of its own is refused (409) while that child exists, so
 * removal repeats while a pass removes something.
 */
async function removeBuildImages(deps: Deps, builds: ReadonlySet<string>, app: string): Promise<number> {
  if (builds.size === 0) return 0;
  try {
    let left: ReleaseImage[] = (await releaseImages(deps.docker)).filter((i) => builds.has(i.build));
    const ids = new Set(left.map((i) => i.id));
    for (const c of await deps.docker.listContainers({ all: true })) {
      if (ids.has(c.ImageID)) await deps.docker.getContainer(c.Id).remove({ force: true }).catch(ignoreMissing);
    }
    let removed = 0;
    while (left.length) {
      const pass = await removeImages(deps.docker, left);
      removed += pass.removed.length;
      if (pass.removed.length === 0) break;
      const kept = new Set(pass.kept);
      left = left.filter((i) => kept.has(i.id));
    }
    if (left.length) deps.log.warn({ app, images: left.length }, 'release images of a destroyed app kept: another image is built on them');
    return removed;
  } catch (err) {
    deps.log.warn({ err, app }, 'release images not removed');
    return 0;
  }
}

const ignoreMissing = (err: { statusCode?: number }): void => {
  if (err.statusCode !== 404 && err.statusCode !== 409) throw err;
};
