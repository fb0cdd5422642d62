import type { Candidate, Ask } from './types.ts';

/**
 * Scores in [0, 1], higher is better. Placement compares them in order
 * (spread first, bin-pack to break ties), like Nomad's rank iterators.
 */
export type Scorer = (c: Candidate, ask: Ask) => number;

/** Fewer instances of the same app and type on the node is better. */
export const spread: Scorer = (c) => 1 / (1 + c.sameGroup);

/** Bin-pack: the fuller the node after placement, the better, so big gaps stay free. */
export const binPack: Scorer = (c, ask) => (c.node.memoryMb === 0 ? 0 : (c.usedMemoryMb + ask.memoryMb) / c.node.memoryMb);

export const defaultScorers: Scorer[] = [spread, binPack];

/** Negative when a ranks ahead of b. Ties on every score fall back to the node name, for stable results. */
export function compare(a: Candidate, b: Candidate, ask: Ask, scorers = defaultScorers): number {
  for (const s of scorers) {
    const d = s(b, ask) - s(a, ask);
    if (Math.abs(d) > 1e-9) return d;
  }
  return a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0;
}
