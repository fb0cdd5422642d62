export { place, candidates, type PlacementResult } from './select.ts';
export { feasible, defaultFilters, nodeFilters, type Filter } from './filters.ts';
export { spread, binPack, compare, defaultScorers, type Scorer } from './scorers.ts';
export type { Ask, Candidate } from './types.ts';
