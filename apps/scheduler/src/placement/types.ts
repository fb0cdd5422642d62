import type { NodeView } from '../model.ts';

/** One instance to place. */
export interface Ask {
  appId: string;
  type: string;
  memoryMb: number;
  constraints: Record<string, string>;
}

/** A node together with what already runs on it. */
export interface Candidate {
  node: NodeView;
  usedMemoryMb: number;
  /** Instances of the asking app and process type already on the node. */
  sameGroup: number;
}
