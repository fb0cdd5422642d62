import type { ProcessSize } from '@slipway/api-types';

/** Mirrors the API's sizes (SIZES in apps/scheduler/src/operations.ts). */
export const SIZES: { value: ProcessSize; label: string }[] = [
  { value: 'basic', label: 'Basic · 256 MB' },
  { value: 'standard', label: 'Standard · 512 MB' },
  { value: 'performance', label: 'Performance · 2 GB' },
];

export const MAX_QUANTITY = 100;
