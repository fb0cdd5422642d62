/** What a balancer needs to know about a candidate backend. */
export interface Candidate {
  readonly key: string;
  readonly outstanding: number;
}

/** Rotates through candidates; the counter lives with the route so each app rotates on its own. */
export function roundRobin<C extends Candidate>(candidates: readonly C[], counter: { n: number }): C | undefined {
  if (candidates.length === 0) return undefined;
  const pick = candidates[counter.n % candidates.length];
  counter.n = (counter.n + 1) % 1_000_000_007;
  return pick;
}

/** Fewest in-flight requests; ties go round-robin so equal backends share the load. */
export function leastOutstanding<C extends Candidate>(candidates: readonly C[], counter: { n: number }): C | undefined {
  if (candidates.length === 0) return undefined;
  const start = counter.n % candidates.length;
  counter.n = (counter.n + 1) % 1_000_000_007;
  let best: C | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[(start + i) % candidates.length]!;
    if (!best || c.outstanding < best.outstanding) best = c;
  }
  return best;
}

export const strategies = { 'round-robin': roundRobin, 'least-outstanding': leastOutstanding } as const;
