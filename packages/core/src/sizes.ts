/** Most instances of one process type (ps:scale and app.json `formation` alike). */
export const MAX_QUANTITY = 100;

/** Memory and CPU per instance size (Heroku-like names). */
export const SIZES = {
  basic: { memoryMb: 256, cpuShares: 512 },
  standard: { memoryMb: 512, cpuShares: 1024 },
  performance: { memoryMb: 2048, cpuShares: 2048 },
} as const;
export type Size = keyof typeof SIZES;
export const SIZE_NAMES = Object.keys(SIZES) as [Size, ...Size[]];
