import type { NodeView } from '../model.ts';

/** One instance to place. */
export interface Ask {
  appId: string;
  type: string;
  /** When set, spread counts only instances of this release: a rollout spreads the new instances among themselves. */
  releaseId?: string;
  memoryMb: number;
  constraints: Record<string, string>;
}

/** A node together with what already runs on it. */
export interface Candidate {
  node: NodeView;
  usedMemoryMb: number;
  /** Instances of the asking app and process type (and release, when asked) already on the node. */
  sameGroup: number;
}
