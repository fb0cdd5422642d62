import { DelayedError, Worker, type Job } from 'bullmq';
import type { Queue } from 'bullmq';
import { publishEnd } from './build-log.ts';
import { acquireBuildLease } from './build-lease.ts';
import { BUILD_QUEUE, type BuildJob } from './build-queue.ts';
import { processBuild, type BuildDeps } from './process-build.ts';
import { headOfAppQueue } from './records.ts';
import type { Redis } from 'ioredis';

const WAIT_TURN_MS = 1000;
const WAIT_LEASE_MS = 2000;
const STALLED = 'job stalled more than allowable limit';

/**
 * The build worker: up to `concurrency` builds at once, one per app. A job whose
 * app is busy (or has an older build waiting) steps aside and is retried shortly;
 * when a build finishes, the app's next build is promoted at once.
 *
 * A builder that dies mid-build stops renewing its BullMQ lock; another (or the
 * restarted) builder's stalled check puts the job back within lockDuration +
 * stalledInterval, and the build runs again from the start. A job that stalls a
 * second time fails, and so does its build, with the reason.
 */
export function startBuildWorker(deps: BuildDeps, queue: Queue<BuildJob>, connection: Redis, concurrency: number, prefix?: string): Worker<BuildJob> {
  const worker = new Worker<BuildJob>(
    BUILD_QUEUE,
    async (job: Job<BuildJob>, token?: string) => {
      const { buildId } = job.data;
      const build = await deps.db.build.findUnique({ where: { id: buildId }, select: { appId: true, status: true } });
      if (!build || ['succeeded', 'failed', 'cancelled'].includes(build.status)) return { skipped: true };
      if ((await headOfAppQueue(deps.db, build.appId)) !== buildId) return stepAside(job, WAIT_TURN_MS, token);
      const lease = await acquireBuildLease(deps.redis, buildId);
      // Re-queued while its first run is still alive: wait until that run ends or its lease expires.
      if (!lease) return stepAside(job, WAIT_LEASE_MS, token);
      let outcome;
      try {
        outcome = await processBuild(deps, buildId, lease);
      } finally {
        await lease.release();
      }
      const next = await headOfAppQueue(deps.db, build.appId);
      if (next) await (await queue.getJob(next))?.promote().catch(() => undefined);
      return outcome ?? { skipped: true };
    },
    // A short lock (renewed every 5 s) and a frequent stalled check: a dead builder's build is re-queued within ~13 s.
    { connection, concurrency, maxStalledCount: 1, lockDuration: 10_000, stalledInterval: 3_000, ...(prefix ? { prefix } : {}) },
  );
  // Infrastructure failure (database, Docker) or a second stall: still end the build so nobody waits forever.
  worker.on('failed', (job, err) => {
    if (!job) return;
    const failure = err.message === STALLED ? 'The builder stopped during this build twice (restart or crash); push again to retry' : `Build could not run: ${err.message}`;
    void failUnfinished(deps, job.data.buildId, failure).catch(() => undefined);
  });
  return worker;
}

async function stepAside(job: Job<BuildJob>, delayMs: number, token?: string): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

/** Ends a build that is still pending or building as failed; a finished build is left as it is. */
async function failUnfinished(deps: BuildDeps, buildId: string, failure: string): Promise<void> {
  const { count } = await deps.db.build.updateMany({ where: { id: buildId, status: { in: ['pending', 'building'] } }, data: { status: 'failed', failure, finishedAt: new Date() } });
  if (count > 0) await publishEnd(deps.redis, buildId, { status: 'failed', failure }, deps.internalSecret);
}
