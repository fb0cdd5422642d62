import type { ProcessSize } from '../../../api/types.ts';

/** Mirrors the API's sizes (apps/api/src/routes/formation.ts). */
export const SIZES: { value: ProcessSize; label: string }[] = [
  { value: 'basic', label: 'Basic · 256 MB' },
  { value: 'standard', label: 'Standard · 512 MB' },
  { value: 'performance', label: 'Performance · 2 GB' },
];

export const MAX_QUANTITY = 100;
