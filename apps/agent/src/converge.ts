import type { Managed } from './docker/labels.ts';
import type { InstanceSpec } from './protocol.ts';

export interface Plan {
  start: InstanceSpec[];
  remove: Managed[];
}

const key = (instanceId: string, generation: number) => `${instanceId}#${generation}`;

/**
 * What the node must do to match its assignments. A container is kept when its
 * instance and generation are still assigned (even exited: its exit is reported and
 * the control plane decides); anything else goes. One created but never started is
 * started (again): Engine.start finishes a start an earlier agent left half done, and
 * the agent skips one of its own still in flight. Pure, so it is table-tested.
 */
export function plan(assigned: InstanceSpec[], actual: Managed[]): Plan {
  const wanted = new Map(assigned.map((s) => [key(s.instanceId, s.generation), s]));
  const have = new Set(actual.filter((m) => !m.created).map((m) => key(m.instanceId, m.generation)));
  return {
    start: [...wanted.entries()].filter(([k]) => !have.has(k)).map(([, s]) => s),
    remove: actual.filter((m) => !wanted.has(key(m.instanceId, m.generation))),
  };
}
