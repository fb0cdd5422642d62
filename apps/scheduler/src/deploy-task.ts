import type { Prisma } from '@slipway/db';
import type { Policy } from './model.ts';
import type { ClusterState } from './state.ts';
import { place } from './placement/index.ts';
import { SIZES } from './operations.ts';

/**
 * The one-offs the platform itself starts for a release: Dokku's `predeploy` and Heroku's
 * `release` (the release phase, before rollout), Dokku's `postdeploy` (after it) and cron runs.
 * Each is an ordinary `run` instance, so the agents run it like `slipway run`; the name says which.
 */
export type DeployStep = 'predeploy' | 'release' | 'postdeploy';

export const deployTaskName = (step: DeployStep, version: number): string => `${step}.${version}`;

export const deployStepOf = (i: { type: string; name: string }): DeployStep | null => {
  if (i.type !== 'run') return null;
  const step = i.name.slice(0, i.name.indexOf('.'));
  return step === 'predeploy' || step === 'release' || step === 'postdeploy' ? step : null;
};

/** Whether it is a deployment task, whose output is kept on its release for the push and `releases:output`. */
export const isDeployTaskInstance = (i: { type: string; name: string }): boolean => deployStepOf(i) !== null;

/** A node with room for a standard one-off, or null when there is none yet. */
export function nodeForOneOff(appId: string, state: ClusterState, now: number, policy: Policy): string | null {
  const { nodeIds } = place({ appId, type: 'run', memoryMb: SIZES.standard.memoryMb, constraints: {} }, 1, state.nodes, state.instances, now, policy);
  return nodeIds[0] ?? null;
}

/** Creates the one-off row (the chosen node's agent starts it); inside the caller's guarded transaction. */
export async function createOneOff(tx: Prisma.TransactionClient, o: { appId: string; releaseId: string; name: string; nodeId: string; command: string }): Promise<string> {
  const { memoryMb, cpuShares } = SIZES.standard;
  const row = await tx.instance.create({ data: { ...o, type: 'run', memoryMb, cpuShares } });
  return row.id;
}
