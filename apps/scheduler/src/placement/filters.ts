import { isLiveNode } from '../model.ts';
import type { Policy } from '../model.ts';
import type { Candidate, Ask } from './types.ts';

/** A feasibility check: null when the node can take the instance, else why not. */
export type Filter = (c: Candidate, ask: Ask, ctx: { now: number; policy: Policy }) => string | null;

export const nodeReady: Filter = (c) => (c.node.status === 'ready' ? null : `node ${c.node.status}`);

export const heartbeatFresh: Filter = (c, _ask, { now, policy }) => (isLiveNode(c.node, now, policy) ? null : 'heartbeat stale');

export const labelsMatch: Filter = (c, ask) => {
  for (const [k, v] of Object.entries(ask.constraints)) if (c.node.labels[k] !== v) return `label ${k}≠${v}`;
  return null;
};

export const hasMemory: Filter = (c, ask) => (c.node.memoryMb - c.usedMemoryMb >= ask.memoryMb ? null : 'not enough memory');

/** The checks that depend on the node alone, not on what already runs there. */
export const nodeFilters: Filter[] = [nodeReady, heartbeatFresh, labelsMatch];

export const defaultFilters: Filter[] = [...nodeFilters, hasMemory];

/** Nodes that pass every filter, and a count of rejections by reason for error messages. */
export function feasible(cands: Candidate[], ask: Ask, ctx: { now: number; policy: Policy }, filters = defaultFilters): { ok: Candidate[]; rejected: Map<string, number> } {
  const ok: Candidate[] = [];
  const rejected = new Map<string, number>();
  for (const c of cands) {
    const why = firstFailure(c, ask, ctx, filters);
    if (why === null) ok.push(c);
    else rejected.set(why, (rejected.get(why) ?? 0) + 1);
  }
  return { ok, rejected };
}

function firstFailure(c: Candidate, ask: Ask, ctx: { now: number; policy: Policy }, filters: Filter[]): string | null {
  for (const f of filters) {
    const why = f(c, ask, ctx);
    if (why !== null) return why;
  }
  return null;
}

