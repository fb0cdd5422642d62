import { z } from 'zod';
import type { Db } from '@slipway/db';
import { MAX_QUANTITY, ONE_OFF_TYPES, SIZE_NAMES, SIZES, SlipwayError, badRequest, notFound, processType } from '@slipway/core';
import { defaultPolicy } from './model.ts';
import { place } from './placement/index.ts';
import { loadState } from './state.ts';
import { nextNames } from './names.ts';

/** Operations the API calls (ps:scale, ps:restart, ps:stop, run, nodes:drain). Each validates, writes desired state and notifies. */

// Sizes and the quantity cap are shared with app.json's `formation` (packages/core).
export { MAX_QUANTITY, SIZES, type Size } from '@slipway/core';

export const formationUpdates = z
  .array(
    z.strictObject({
      type: processType.superRefine((t, ctx) => {
        if (t === 'release') ctx.addIssue({ code: 'custom', message: '"release" is the release phase: it runs once per release, before the release starts, and cannot be scaled' });
        if (t === 'run') ctx.addIssue({ code: 'custom', message: '"run" is for one-off processes (slipway run) and cannot be scaled' });
      }),
      quantity: z.number().int().min(0, 'Quantity cannot be negative').max(MAX_QUANTITY, `At most ${MAX_QUANTITY} instances per process type`).optional(),
      size: z.enum(SIZE_NAMES).optional(),
    }),
  )
  .min(1)
  .max(20);

/** Tells schedulers an app's desired state changed ('*': the whole cluster); the caller signs it. */
export type NotifyDesired = (appId: string) => Promise<void>;

/** Types come from the formation and from the latest usable release's Procfile. */
async function knownTypes(db: Db, appId: string): Promise<Set<string>> {
  const [rows, release] = await Promise.all([
    db.formation.findMany({ where: { appId }, select: { type: true } }),
    db.release.findFirst({ where: { appId, status: { not: 'failed' } }, orderBy: { version: 'desc' }, select: { processTypes: true } }),
  ]);
  const fromRelease = Object.keys(z.record(z.string(), z.string()).catch({}).parse(release?.processTypes ?? {}));
  return new Set([...rows.map((r) => r.type), ...fromRelease].filter((t) => !ONE_OFF_TYPES.includes(t)));
}

/** `ps:scale web=3 worker=1:basic`: all or nothing, only known process types. */
export async function scaleFormation(db: Db, notify: NotifyDesired, appId: string, changes: unknown): Promise<void> {
  const parsed = formationUpdates.safeParse(changes);
  if (!parsed.success) throw new SlipwayError('validation_failed', `Invalid scale: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const known = await knownTypes(db, appId);
  const unknown = parsed.data.filter((u) => !known.has(u.type)).map((u) => u.type);
  if (unknown.length > 0) {
    throw new SlipwayError('unprocessable', `Unknown process type ${unknown.join(', ')}; this app has: ${[...known].sort().join(', ') || 'none yet (push code first)'}`);
  }
  await db.$transaction(
    parsed.data.map((u) => {
      const size = u.size ? { size: u.size, ...SIZES[u.size] } : {};
      const quantity = u.quantity === undefined ? {} : { quantity: u.quantity };
      return db.formation.upsert({ where: { appId_type: { appId, type: u.type } }, create: { appId, type: u.type, quantity: 0, ...quantity, ...size }, update: { ...quantity, ...size } });
    }),
  );
  await notify(appId);
}

/** `ps:restart [type]`: drains the instances; the scheduler starts fresh ones in their place. */
export async function restartProcesses(db: Db, notify: NotifyDesired, appId: string, type?: string): Promise<number> {
  const { count } = await db.instance.updateMany({ where: { appId, type: type ?? { not: 'run' }, state: { in: ['pending', 'starting', 'running', 'crashed'] } }, data: { state: 'draining' } });
  await notify(appId);
  return count;
}

/** `ps:stop web.2`: stops one instance (the formation brings a fresh one, as on Heroku). */
export async function stopInstance(db: Db, notify: NotifyDesired, appId: string, name: string): Promise<void> {
  const { count } = await db.instance.updateMany({ where: { appId, name, state: { notIn: ['stopped', 'draining'] } }, data: { state: 'draining' } });
  if (count === 0) throw notFound(`Instance ${name}`);
  await notify(appId);
}

/**
 * `run -a APP -- CMD`: a one-off container with the current release's env on a node chosen by placement.
 * Subscribe to logsChannel(appId) (lines with dyno = name) and runExitChannel(instanceId) ({ exitCode }) before calling.
 */
export async function startOneOff(db: Db, appId: string, command: string, size: { memoryMb: number; cpuShares: number } = SIZES.standard): Promise<{ instanceId: string; name: string }> {
  const { memoryMb, cpuShares } = size;
  if (command.trim() === '') throw badRequest('Give a command to run');
  const release = await db.release.findFirst({ where: { appId, status: { in: ['succeeded', 'deploying', 'pending'] }, image: { not: null } }, orderBy: { version: 'desc' } });
  if (!release) throw badRequest('This app has no release to run yet: push code first');
  const state = await loadState(db);
  const runs = await db.instance.findMany({ where: { appId, type: 'run' }, select: { name: true } });
  const { nodeIds } = place({ appId, type: 'run', memoryMb, constraints: {} }, 1, state.nodes, state.instances, Date.now(), defaultPolicy);
  if (nodeIds.length === 0) throw new SlipwayError('unavailable', 'No node has room for a one-off container right now');
  const [name] = nextNames('run', runs.map((r) => r.name), 1);
  const row = await db.instance.create({ data: { appId, releaseId: release.id, type: 'run', name: name!, nodeId: nodeIds[0]!, command, memoryMb, cpuShares } });
  return { instanceId: row.id, name: row.name };
}

/** `nodes:drain NAME`: no new placements; instances move away (replacement first, then the old drains). */
export async function drainNode(db: Db, notify: NotifyDesired, name: string): Promise<void> {
  const { count } = await db.node.updateMany({ where: { name }, data: { status: 'draining' } });
  if (count === 0) throw notFound(`Node ${name}`);
  await notify('*');
}

/** `nodes:remove NAME`: forgets the node; its instances are re-placed and its credential stops working. */
export async function removeNode(db: Db, notify: NotifyDesired, name: string): Promise<void> {
  const { count } = await db.node.deleteMany({ where: { name } });
  if (count === 0) throw notFound(`Node ${name}`);
  await notify('*');
}
