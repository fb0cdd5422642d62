import type Docker from 'dockerode';
import type { Redis } from 'ioredis';
import type { Db } from '@slipway/db';
import type { SecretBox } from '@slipway/core';
import { runBuild } from '../build/run-build.ts';
import { deployTasks, describeChecks, readAppJson } from '../build/app-json.ts';
import type { BuildLimits } from '../build/build-limits.ts';
import type { RegistryCache } from '../node/registry-cache.ts';
import type { ProcessTypes } from '../detect/procfile.ts';
import { publishEnd, publishLine, type BuildOutcome } from './build-log.ts';
import type { BuildLease } from './build-lease.ts';
import { cancelRequested, watchBuild } from './build-watch.ts';
import { APP_DESTROYED, createRelease, previousBuildOf } from './records.ts';

export interface BuildDeps {
  db: Db;
  redis: Redis;
  docker: Docker;
  box: SecretBox;
  reposDir: string;
  timeoutMs: number;
  maxRepoBytes: number;
  npmRegistry: string;
  /** The registry's Node.js releases, npm and corepack, cached on disk under the builder's data folder. */
  registry: RegistryCache;
  /** Memory, CPU and pids limits of every build. */
  buildLimits: BuildLimits;
  /** SLIPWAY_INTERNAL_SECRET: signs the build log stream's entries. */
  internalSecret?: string;
}

const CANCELLED = 'Cancelled while building';

/**
 * Runs one build that is at the head of its app's queue and whose lease this runner
 * holds: image (or the image of an earlier build of the same commit), then a pending
 * release. Every output line goes to the Redis log stream as it happens and to
 * Build.log. A build left `building` by a runner that died is built again from the
 * start: every step is idempotent (same image tag, release re-used when it exists).
 * Never throws for a build failure: the outcome is recorded and published. Returns
 * null when there was nothing to do (cancelled before it started, or taken over).
 */
export async function processBuild(deps: BuildDeps, buildId: string, lease: BuildLease): Promise<BuildOutcome | null> {
  const { db, redis } = deps;
  const build = await db.build.findUniqueOrThrow({ where: { id: buildId }, include: { app: { select: { id: true, name: true } } } });
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    void publishLine(redis, buildId, line, deps.internalSecret);
  };
  const finish = async (outcome: BuildOutcome, fields: { image?: string; processTypes?: ProcessTypes; buildpack?: string }) => {
    await db.build.update({
      where: { id: buildId },
      data: { status: outcome.status, failure: outcome.status === 'succeeded' ? null : outcome.failure, log: lines.join('\n'), finishedAt: new Date(), ...fields },
    });
    await publishEnd(redis, buildId, outcome, deps.internalSecret);
    return outcome;
  };

  if (build.status === 'building') {
    log('-----> The builder stopped during this build (restart or crash); building it again');
  } else {
    // Conditional, so a cancel that lands first wins and the build never starts.
    const started = await db.build.updateMany({ where: { id: buildId, status: 'pending' }, data: { status: 'building', startedAt: new Date() } });
    if (started.count === 0) return null;
  }
  if (await cancelRequested(redis, buildId)) return finish({ status: 'cancelled', failure: CANCELLED }, {});

  const watch = watchBuild(redis, buildId, lease);
  let built: string | null = null;
  try {
    // Read first: an app.json that does not validate fails the push before anything is built.
    const appJson = await readAppJson(`${deps.reposDir}/${build.app.name}.git`, build.commitSha);
    const reusable = await previousBuildOf(db, build.appId, build.commitSha);
    const reused = reusable?.image && (await deps.docker.getImage(reusable.image).inspect().catch(() => null)) ? reusable : null;
    let result: { image: string; processTypes: ProcessTypes; buildpack: string };
    if (reused?.image) {
      log(`-----> Commit ${build.commitSha.slice(0, 7)} was already built; re-using image ${reused.image}`);
      result = { image: reused.image, processTypes: reused.processTypes as ProcessTypes, buildpack: reused.buildpack ?? 'reused' };
    } else {
      const made = await runBuild(
        deps.docker,
        {
          app: build.app.name,
          buildId,
          repoDir: `${deps.reposDir}/${build.app.name}.git`,
          commitSha: build.commitSha,
          tag: `${build.app.name}:build-${buildId.slice(0, 8)}`,
          timeoutMs: deps.timeoutMs,
          maxRepoBytes: deps.maxRepoBytes,
          npmRegistry: deps.npmRegistry,
          limits: deps.buildLimits,
          registry: deps.registry,
          onDetail: (line) => void publishLine(redis, buildId, line, deps.internalSecret, 'detail'),
          ownsBuild: async (id) => (await db.build.count({ where: { id, appId: build.appId } })) > 0,
          signal: watch.signal,
        },
        log,
      );
      built = made.image;
      result = { image: made.image, processTypes: made.processTypes, buildpack: made.kind };
    }
    // The checks travel with the release, never onto the app: a push whose checks fail its
    // rollout must not change how the release that keeps serving is checked.
    const healthchecks = appJson?.healthchecks;
    log('-----> Health checks');
    for (const line of describeChecks(healthchecks, Object.keys(result.processTypes))) log(`       ${line}`);
    const formation = appJson?.formation ?? {};
    const tasks = deployTasks(appJson);
    if (tasks.predeployCommand) log(`-----> Predeploy task (app.json scripts.dokku.predeploy): \`${tasks.predeployCommand}\` runs before the new release starts`);
    if (result.processTypes.release) log(`-----> Release phase: \`${result.processTypes.release}\` runs before the new release starts`);
    if (tasks.postdeployCommand) log(`-----> Postdeploy task (app.json scripts.dokku.postdeploy): \`${tasks.postdeployCommand}\` runs once the release is deployed`);
    for (const j of tasks.cron ?? []) log(`-----> Cron: \`${j.command}\` at "${j.schedule}" (UTC)`);
    const release = await createRelease(db, deps.box, {
      appId: build.appId,
      buildId,
      image: result.image,
      processTypes: result.processTypes,
      healthchecks: healthchecks ?? null,
      formation,
      ...tasks,
      commitSha: build.commitSha,
      createdById: build.createdById,
    });
    await deps.docker.getImage(result.image).tag({ repo: build.app.name, tag: `v${release.version}` });
    log(release.created ? `-----> Released v${release.version} (image ${result.image}); waiting for rollout` : `-----> Already released as v${release.version}`);
    return await finish({ status: 'succeeded', releaseVersion: release.version, image: result.image }, result);
  } catch (err) {
    // Another runner owns the build now and will record its outcome.
    if (watch.reason() === 'lease-lost') return null;
    // The app was destroyed while this built (the build row went with it, and the destroy asked
    // for a cancel): its image goes too, and a push still following the log is told why it ends.
    if ((await db.build.count({ where: { id: buildId } })) === 0) {
      if (built) await deps.docker.getImage(built).remove({ force: true }).catch(() => undefined);
      await publishEnd(redis, buildId, { status: 'failed', failure: APP_DESTROYED }, deps.internalSecret);
      return null;
    }
    const failure = err instanceof Error ? err.message : String(err);
    return finish(watch.reason() === 'cancelled' ? { status: 'cancelled', failure: CANCELLED } : { status: 'failed', failure }, {});
  } finally {
    watch.stop();
  }
}
