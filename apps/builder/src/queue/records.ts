import type { Healthchecks } from '@slipway/app-json';
import { Prisma, type Db } from '@slipway/db';
import type { SecretBox } from '@slipway/core';
import type { ProcessTypes } from '../detect/procfile.ts';
import type { FormationRequest } from '@slipway/app-json';
import { initialFormation } from '../build/initial-formation.ts';
import type { BuildOutcome } from './build-log.ts';
import type { DeployTasks } from '../build/app-json.ts';

/** The oldest unfinished build of an app: the only one allowed to run. */
export async function headOfAppQueue(db: Db, appId: string): Promise<string | null> {
  const head = await db.build.findFirst({
    where: { appId, status: { in: ['pending', 'building'] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  return head?.id ?? null;
}

/** A finished build of the same commit whose image can be re-used. */
export async function previousBuildOf(db: Db, appId: string, commitSha: string) {
  return db.build.findFirst({
    where: { appId, commitSha, status: 'succeeded', image: { not: null } },
    orderBy: { createdAt: 'desc' },
    select: { id: true, image: true, processTypes: true, buildpack: true },
  });
}

export interface ReleaseInput extends DeployTasks {
  appId: string;
  buildId: string;
  image: string;
  processTypes: ProcessTypes;
  /** The commit's app.json `healthchecks`, or null when it declares none. */
  healthchecks: Healthchecks | null;
  /** The commit's app.json `formation` (type → quantity, size). */
  formation: Record<string, FormationRequest>;
  commitSha: string;
  createdById: string | null;
}

/**
 * The next release (`pending`, for the scheduler to run its release phase and roll out): this
 * image and its app.json checks with the config snapshot of the latest release, or an empty encrypted
 * one. Process types that appear for the first time join the formation as app.json's `formation` says,
 * else web with one instance and others with none; `release` never joins it.
 */
export async function createRelease(db: Db, box: SecretBox, input: ReleaseInput): Promise<{ version: number; created: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const latest = await tx.release.findFirst({ where: { appId: input.appId }, orderBy: { version: 'desc' } });
        if (latest?.image === input.image && latest.status !== 'failed') return { version: latest.version, created: false };
        const version = (latest?.version ?? 0) + 1;
        await tx.release.create({
          data: {
            appId: input.appId,
            version,
            buildId: input.buildId,
            image: input.image,
            processTypes: input.processTypes,
            healthcheck: input.healthchecks === null ? Prisma.DbNull : (input.healthchecks as Prisma.InputJsonValue),
            releaseCommand: input.processTypes.release ?? null,
            predeployCommand: input.predeployCommand,
            postdeployCommand: input.postdeployCommand,
            cron: input.cron === null ? Prisma.DbNull : input.cron,
            config: latest?.config ?? box.encryptJson({}),
            description: `Deploy ${input.commitSha.slice(0, 7)}`,
            createdById: input.createdById,
          },
        });
        await tx.formation.createMany({
          data: initialFormation(Object.keys(input.processTypes), input.formation).map((f) => ({ appId: input.appId, ...f })),
          skipDuplicates: true,
        });
        return { version, created: true };
      });
    } catch (err) {
      // Two releases raced for the same version number: take the next one.
      if (attempt < 3 && (err as { code?: string }).code === 'P2002') continue;
      throw err;
    }
  }
}

/** Why a build whose row is gone ended: its app was destroyed (the row goes with the app). */
export const APP_DESTROYED = 'The app was destroyed during this build';

/**
 * A finished build's outcome as the database holds it (null while it runs): what a log
 * follower falls back on when the stream's end entry never reaches it. A build that no
 * longer exists went with its app.
 */
export async function recordedOutcome(db: Db, buildId: string): Promise<BuildOutcome | null> {
  const build = await db.build.findUnique({ where: { id: buildId }, select: { appId: true, status: true, failure: true, image: true } });
  if (!build) return { status: 'failed', failure: APP_DESTROYED };
  if (build.status === 'failed' || build.status === 'cancelled') return { status: build.status, failure: build.failure ?? `Build ${build.status}` };
  if (build.status !== 'succeeded' || !build.image) return null;
  // A re-used image's release belongs to the build that made it first.
  const release = await db.release.findFirst({ where: { appId: build.appId, image: build.image }, orderBy: { version: 'desc' }, select: { version: true } });
  return release ? { status: 'succeeded', releaseVersion: release.version, image: build.image } : null;
}
