import { setTimeout as sleep } from 'node:timers/promises';
import { SlipwayError } from '@slipway/core';
import type { Deps } from '../deps.ts';
import { appUrl } from '../routes/apps.ts';
import { failingInstanceTail, releaseOutputTail } from './failure-lines.ts';

const DONE = ['succeeded', 'superseded'];

/**
 * Follows a release for the pushing git client, as Heroku's push does: the release phase's
 * output as it runs, then the rollout. Success ends with the app's URL, or with what runs when
 * the release has no web type; a failed release phase or health check fails the push with the
 * reason and the last lines printed (the previous release keeps serving). Only a rollout that
 * is making progress is waited for long; a running release command is progress.
 */
export async function* awaitRollout(deps: Deps, appName: string, version: number): AsyncGenerator<string> {
  const app = await deps.db.app.findUnique({ where: { name: appName }, select: { id: true, name: true } });
  if (!app) return;
  const waitMs = deps.config.ROLLOUT_WAIT_SECONDS * 1000;
  let deadline = Date.now() + waitMs;
  let lastHealthy = -1;
  let outputShown = 0;
  let predeployShown = false;
  let phaseShown = false;
  let rolloutShown = false;
  // The deployment tasks' output (predeploy, release command, postdeploy), stored on the release, as it grows.
  const newOutput = function* (output: string | null): Generator<string> {
    const text = output ?? '';
    const complete = text.lastIndexOf('\n') + 1;
    if (complete <= outputShown) return;
    for (const line of text.slice(outputShown, complete - 1).split('\n')) yield `       ${line}`;
    outputShown = complete;
  };
  while (Date.now() < deadline) {
    const release = await deps.db.release.findUnique({ where: { appId_version: { appId: app.id, version } } });
    if (!release) return;
    const phased = release.releaseCommand !== null || release.predeployCommand !== null;
    if (release.predeployCommand !== null && !predeployShown && release.status !== 'pending') {
      yield `-----> Running predeploy task (app.json scripts.dokku.predeploy): ${release.predeployCommand}`;
      predeployShown = true;
    }
    // After a predeploy, the release command's header waits until its one-off exists (the predeploy's output comes first).
    if (release.releaseCommand !== null && !phaseShown && release.status !== 'pending') {
      const started = release.predeployCommand === null || (release.status !== 'releasing' && release.status !== 'failed') || (await deps.db.instance.count({ where: { releaseId: release.id, type: 'run', name: `release.${version}` } })) > 0;
      if (started) {
        yield* newOutput(release.releaseOutput);
        yield `-----> Running release command: ${release.releaseCommand}`;
        phaseShown = true;
      }
    }
    yield* newOutput(release.releaseOutput);
    if (release.status === 'releasing') {
      deadline = Date.now() + waitMs;
      await sleep(500);
      continue;
    }
    if (release.status === 'failed') {
      const step = /^(release command|predeploy task)\b/.exec(release.failure ?? '')?.[1];
      const tail = step ? await releaseOutputTail(deps, release.id) : await failingInstanceTail(deps, app.id, release.createdAt, release.failure ?? '');
      const shown = tail.length ? `\nLast lines${step ? ` of the ${step}` : ''}:\n${tail.map((l) => `  ${l}`).join('\n')}` : '';
      throw new SlipwayError('unprocessable', `release v${version} failed: ${release.failure ?? 'rollout failed'}; the previous release keeps serving${shown}`);
    }
    if (release.status === 'skipped') {
      yield `-----> v${version} was replaced by a newer release before it went live`;
      return;
    }
    // A pending release with a release phase is waiting for it to start, not rolling out.
    if (release.status === 'pending' && phased) {
      await sleep(500);
      continue;
    }
    if (!rolloutShown) {
      yield `-----> Rolling out v${version}`;
      rolloutShown = true;
    }
    if (DONE.includes(release.status)) {
      yield* deployedSummary(deps, app, release.id, version, release.processTypes);
      if (release.postdeployCommand !== null) yield* awaitPostdeploy(deps, release.id, version, release.postdeployCommand, newOutput, Date.now() + waitMs);
      return;
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

/**
 * Dokku's `scripts.dokku.postdeploy`, after the rollout: its output, then its result. As on Dokku
 * a failure fails the push but not the release, which stays deployed.
 */
async function* awaitPostdeploy(deps: Deps, releaseId: string, version: number, command: string, newOutput: (o: string | null) => Generator<string>, deadline: number): AsyncGenerator<string> {
  yield `-----> Running postdeploy task (app.json scripts.dokku.postdeploy): ${command}`;
  while (Date.now() < deadline) {
    const r = await deps.db.release.findUnique({ where: { id: releaseId }, select: { status: true, releaseOutput: true, postdeployStatus: true, postdeployFailure: true } });
    if (!r) return;
    yield* newOutput(r.releaseOutput);
    if (r.postdeployStatus === 'succeeded') {
      yield `-----> Postdeploy task of v${version} done`;
      return;
    }
    if (r.postdeployStatus === 'failed') {
      const tail = await releaseOutputTail(deps, releaseId);
      yield* newOutput((await deps.db.release.findUnique({ where: { id: releaseId }, select: { releaseOutput: true } }))?.releaseOutput ?? null);
      const shown = tail.length ? `\nLast lines of the postdeploy task:\n${tail.map((l) => `  ${l}`).join('\n')}` : '';
      throw new SlipwayError('unprocessable', `v${version} is deployed, but its ${r.postdeployFailure ?? 'postdeploy task failed'}${shown}`);
    }
    // Replaced before its postdeploy started: the newer release runs its own.
    if (r.status !== 'succeeded' && r.postdeployStatus === null) return;
    await sleep(500);
  }
  yield `-----> the postdeploy task of v${version} is still running; see slipway releases:output v${version}`;
}

/** The URL when the release serves web traffic; otherwise what runs (`worker.1: up`), since there is nothing to visit. */
async function* deployedSummary(deps: Deps, app: { id: string; name: string }, releaseId: string, version: number, processTypes: unknown): AsyncGenerator<string> {
  const types = processTypes !== null && typeof processTypes === 'object' ? Object.keys(processTypes) : [];
  if (types.includes('web')) {
    yield `-----> v${version} deployed to ${appUrl(deps, app.name)}`;
    return;
  }
  const running = await deps.db.instance.findMany({ where: { releaseId, type: { not: 'run' }, state: 'running' }, orderBy: { name: 'asc' }, select: { name: true } });
  yield `-----> v${version} deployed (no web process, so no URL)`;
  if (running.length === 0) yield `       Nothing is scaled up: run one with slipway ps:scale ${types.find((t) => t !== 'release') ?? 'worker'}=1 -a ${app.name}`;
  for (const r of running) yield `       ${r.name}: up`;
}
