import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '@slipway/db';
import { SlipwayError } from '@slipway/core';
import { followBuildLog } from './build-log.ts';
import { enqueueBuild, type BuildJob } from './build-queue.ts';
import { recordedOutcome } from './records.ts';

export interface PushToBuild {
  app: string;
  ref: string;
  newSha: string;
  createdById?: string;
  /** `git push -o …` options; `verbose` shows the engine's step lines too. */
  pushOptions?: string[];
}

/**
 * The git router's `onPush`: queues a build of the pushed commit and yields its
 * output live; throws (failing the push) when the build fails or is cancelled.
 */
export function createPushHandler(deps: {
  db: Db;
  queue: Queue<BuildJob>;
  redis: Redis;
  /** What happens after a release exists (the API waits for its rollout); its lines reach the client too. */
  afterRelease?: (app: string, version: number) => AsyncIterable<string>;
  /** SLIPWAY_INTERNAL_SECRET: build log entries that fail its check never reach the client. */
  internalSecret?: string;
}) {
  return async function* onPush(push: PushToBuild): AsyncGenerator<string> {
    const branch = push.ref.replace(/^refs\/heads\//, '');
    const { buildId } = await enqueueBuild(deps.db, deps.queue, { app: push.app, commitSha: push.newSha, branch, createdById: push.createdById });
    yield `-----> Build ${buildId} queued for ${push.app}`;
    for await (const event of followBuildLog(deps.redis, buildId, deps.internalSecret, { settled: () => recordedOutcome(deps.db, buildId) })) {
      if (event.type === 'line') yield event.line;
      else if (event.type === 'detail') {
        if (push.pushOptions?.includes('verbose')) yield event.line;
      }
      else if (event.status !== 'succeeded') throw new SlipwayError('unprocessable', `build ${event.status}: ${event.failure}`);
      else if (deps.afterRelease) yield* deps.afterRelease(push.app, event.releaseVersion);
    }
  };
}
