import { Prisma, type Release } from '@slipway/db';
import type { Release as ReleaseView } from '@slipway/api-types';
import { DESIRED_CHANNEL, desiredNotice } from '@slipway/scheduler/channels';
import type { Deps } from '../deps.ts';

type Tx = Prisma.TransactionClient;

/** What a release runs: a build's image with its process types and app.json checks, which travel together. */
export type ReleaseCode = Pick<Release, 'image' | 'buildId' | 'processTypes' | 'healthcheck' | 'predeployCommand' | 'postdeployCommand' | 'cron'>;

export interface NewRelease {
  appId: string;
  description: string;
  createdById?: string | null;
  /** Defaults to the code of the newest release that did not fail (a config-only change); a rollback passes its target. */
  code?: ReleaseCode;
  /** Defaults to the app's current config vars. */
  config?: Record<string, string>;
  /**
   * Whether the Procfile's `release:` command runs before it starts. Heroku runs it for every new
   * release (build, config change, rollback, new add-on) except an add-on changing its own credentials.
   */
  releasePhase?: boolean;
}

/** The vars the user set, decrypted. */
export async function userConfig(deps: Deps, tx: Tx, appId: string): Promise<Record<string, string>> {
  const vars = await tx.configVar.findMany({ where: { appId }, orderBy: { key: 'asc' } });
  return Object.fromEntries(vars.map((v) => [v.key, deps.box.decrypt(v.value)]));
}

/** What the app runs with: the user's vars plus those of its attached add-ons (DATABASE_URL, …), which win. */
export async function currentConfig(deps: Deps, tx: Tx, appId: string): Promise<Record<string, string>> {
  return { ...(await userConfig(deps, tx, appId)), ...(await deps.broker.service.configVarsForApp(appId)) };
}

/**
 * Releases are immutable and numbered per app. The version comes from the
 * latest one inside the caller's transaction; the unique (appId, version) index
 * turns a concurrent writer into a retryable conflict rather than a duplicate.
 */
export async function createRelease(deps: Deps, tx: Tx, r: NewRelease): Promise<Release> {
  const latest = await tx.release.findFirst({ where: { appId: r.appId }, orderBy: { version: 'desc' } });
  const config = r.config ?? (await currentConfig(deps, tx, r.appId));
  // A config-only change keeps the code that runs (or is rolling out), never that of a failed deploy.
  const base = r.code ?? (await tx.release.findFirst({ where: { appId: r.appId, status: { not: 'failed' } }, orderBy: { version: 'desc' } }));
  const code: ReleaseCode = base ?? { image: null, buildId: null, processTypes: null, healthcheck: null, predeployCommand: null, postdeployCommand: null, cron: null };
  const json = (v: Prisma.JsonValue) => (v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue));
  return tx.release.create({
    data: {
      appId: r.appId,
      version: (latest?.version ?? 0) + 1,
      image: code.image,
      buildId: code.buildId,
      processTypes: json(code.processTypes),
      healthcheck: json(code.healthcheck),
      releaseCommand: r.releasePhase === false ? null : releaseCommandOf(code.processTypes),
      // Dokku runs its deployment tasks on every deploy of the code, as Heroku runs the release phase.
      predeployCommand: r.releasePhase === false ? null : code.predeployCommand,
      postdeployCommand: r.releasePhase === false ? null : code.postdeployCommand,
      cron: json(code.cron),
      config: deps.box.encryptJson(config),
      // Nothing to run until an image exists: such a release is complete at once.
      status: code.image ? 'pending' : 'succeeded',
      description: r.description,
      createdById: r.createdById ?? null,
    },
  });
}

/** The Procfile's `release:` command among a release's process types, if any. */
function releaseCommandOf(processTypes: Prisma.JsonValue): string | null {
  const command = (processTypes as Record<string, unknown> | null)?.release;
  return typeof command === 'string' && command !== '' ? command : null;
}

/** Runs `fn` in a serializable-enough transaction, retrying when two writers raced for a version number. */
export async function inReleaseTx<T>(deps: Deps, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.db.$transaction(fn);
    } catch (e) {
      const raced = e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
      if (!raced || attempt >= 4) throw e;
    }
  }
}

/** Tells the scheduler the desired state of an app changed (it also polls, so a lost message only delays). */
/** `notifyDesired` bound to these deps, for the scheduler's operations. */
export const desiredNotifier = (deps: Deps) => (appId: string): Promise<void> => notifyDesired(deps, appId);

export async function notifyDesired(deps: Deps, appId: string): Promise<void> {
  await deps.redis.publish(DESIRED_CHANNEL, desiredNotice(appId, deps.config.SLIPWAY_INTERNAL_SECRET)).catch((err: unknown) => deps.log.warn({ err }, 'desired-state notify failed'));
}

export function describeConfigChange(set: string[], unset: string[]): string {
  const parts = [];
  if (set.length) parts.push(`Set ${set.join(', ')} config vars`);
  if (unset.length) parts.push(`Remove ${unset.join(', ')} config vars`);
  return parts.join('; ');
}

export function releaseView(r: Release): ReleaseView {
  return {
    id: r.id,
    version: r.version,
    description: r.description,
    status: r.status,
    image: r.image,
    buildId: r.buildId,
    // Written only from a build's detected process types (type → command).
    processTypes: r.processTypes as Record<string, string> | null,
    failure: r.failure,
    postdeploy: r.postdeployCommand === null ? null : { command: r.postdeployCommand, status: r.postdeployStatus, failure: r.postdeployFailure },
    createdAt: r.createdAt.toISOString(),
  };
}
