import { z } from 'zod';
import type { SecretBox } from '@slipway/core';
import type { Db } from '@slipway/db';
import { defaultChecks, healthchecks, type Healthcheck } from '@slipway/app-json';
import type { InstanceSpec } from '@slipway/agent/protocol';

/** States in which an instance's container should exist on its node. */
const RUNNABLE = ['pending', 'starting', 'running', 'draining'] as const;
export const STOP_TIMEOUT_SEC = 10;
/** For instances of a process type without a formation entry, and one-offs from before they kept their size. */
const DEFAULT_MEMORY_MB = 512;

/** The memory limit an instance's container gets: a one-off's own size, else its process type's formation, else the default. */
export const memoryLimitMb = (instanceMemoryMb: number | null, formationMemoryMb: number | undefined): number =>
  instanceMemoryMb ?? formationMemoryMb ?? DEFAULT_MEMORY_MB;

const processTypes = z.record(z.string(), z.string());
const configVars = z.record(z.string(), z.string());

/**
 * The checks of one process type: the app's setting (saved through the API or dashboard), else
 * the app.json checks of the instance's own release, else the defaults (web must accept TCP on
 * $PORT, other types must stay up). The setting wins because it is an operator's explicit choice
 * for the app, and it is per type, so overriding web keeps app.json's worker checks. app.json
 * comes from the release, never from a later push, so a push whose checks fail its rollout
 * cannot change how the release that keeps serving is checked. A list with no startup check
 * still gets the default one, so readiness or liveness checks alone never mean "no check".
 */
export function healthchecksFor(type: string, appSetting: unknown, releaseChecks: unknown): Healthcheck[] {
  // Stored rows went through the same schema (or its migration); parsing again fills any name a row lacks.
  const ofType = (checks: unknown) => healthchecks.safeParse(checks).data?.[type];
  const checks = ofType(appSetting) ?? ofType(releaseChecks) ?? [];
  return checks.some((c) => c.type === 'startup') ? checks : [...defaultChecks(type), ...checks];
}

/** Release.config is the SecretBox-sealed JSON object of the release's config vars. */
export function releaseEnv(box: SecretBox, sealed: string): Record<string, string> {
  return sealed === '' ? {} : configVars.parse(JSON.parse(box.decrypt(sealed)));
}

/** Everything that should run on a node, as specs the agent can start without asking again. */
export async function assignmentsFor(db: Db, box: SecretBox, nodeId: string): Promise<InstanceSpec[]> {
  const rows = await db.instance.findMany({
    where: { nodeId, state: { in: [...RUNNABLE] } },
    include: { release: { select: { image: true, config: true, processTypes: true, healthcheck: true, version: true } }, app: { select: { name: true, healthcheck: true, formation: true } } },
  });
  const specs: InstanceSpec[] = [];
  for (const row of rows) {
    if (!row.release.image) continue;
    const formation = row.app.formation.find((f) => f.type === row.type);
    const oneOff = row.type === 'run';
    const env = releaseEnv(box, row.release.config);
    specs.push({
      instanceId: row.id,
      appId: row.appId,
      appName: row.app.name,
      type: row.type,
      name: row.name,
      generation: row.restarts,
      image: row.release.image,
      // An empty command (a Dockerfile app's web without a Procfile line) runs the image's own CMD.
      command: oneOff ? row.command : (processTypes.safeParse(row.release.processTypes).data?.[row.type] || null),
      env: { ...env, DYNO: row.name, SLIPWAY_APP: row.app.name, SLIPWAY_RELEASE_VERSION: `v${row.release.version}` },
      memoryMb: memoryLimitMb(row.memoryMb, formation?.memoryMb),
      cpuShares: row.cpuShares ?? formation?.cpuShares ?? 1024,
      stopTimeoutSec: STOP_TIMEOUT_SEC,
      healthchecks: healthchecksFor(row.type, row.app.healthcheck, row.release.healthcheck),
      oneOff,
    });
  }
  return specs;
}
