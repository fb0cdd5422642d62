import { setTimeout as sleep } from 'node:timers/promises';
import { SlipwayError } from '@slipway/core';
import type { Deps } from '../deps.ts';
import { appUrl } from '../routes/apps.ts';

const DONE = ['succeeded', 'superseded'];

/**
 * Follows a release's rollout for the pushing git client, as Heroku's push does:
 * success ends with the app's URL; a failed health check fails the push (the
 * previous release keeps serving). A slow rollout stops being waited for, not failed.
 */
export async function* awaitRollout(deps: Deps, appName: string, version: number): AsyncGenerator<string> {
  const app = await deps.db.app.findUnique({ where: { name: appName }, select: { id: true, name: true } });
  if (!app) return;
  yield `-----> Rolling out v${version}`;
  const deadline = Date.now() + deps.config.ROLLOUT_WAIT_SECONDS * 1000;
  let lastHealthy = -1;
  while (Date.now() < deadline) {
    const release = await deps.db.release.findUnique({ where: { appId_version: { appId: app.id, version } } });
    if (!release) return;
    if (DONE.includes(release.status)) {
      yield `-----> v${version} deployed to ${appUrl(deps, app.name)}`;
      return;
    }
    if (release.status === 'failed') {
      throw new SlipwayError('unprocessable', `release v${version} failed: ${release.failure ?? 'rollout failed'}; the previous release keeps serving`);
    }
    const healthy = await deps.db.instance.count({ where: { releaseId: release.id, healthy: true } });
    if (healthy !== lastHealthy) {
      const wanted = await deps.db.formation.aggregate({ where: { appId: app.id }, _sum: { quantity: true } });
      yield `       ${healthy}/${wanted._sum.quantity ?? 0} instances healthy`;
      lastHealthy = healthy;
    }
    await sleep(500);
  }
  yield `-----> v${version} is still rolling out; follow it with: slipway ps -a ${app.name}`;
}
