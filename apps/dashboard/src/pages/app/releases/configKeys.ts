import { api } from '../../../api/endpoints.ts';
import type { Release } from '@slipway/api-types';

/**
 * Config var names of each listed release and of the one just before the oldest,
 * so every row can show what changed. A release that fails to load is left out.
 */
export async function loadConfigKeys(app: string, releases: Release[]): Promise<Map<number, string[]>> {
  const versions = new Set(releases.map((r) => r.version));
  const oldest = Math.min(...versions);
  if (oldest > 1) versions.add(oldest - 1);
  const details = await Promise.all([...versions].map((v) => api.release(app, v).catch(() => null)));
  return new Map(details.filter((d) => d !== null).map((d) => [d.version, d.configKeys]));
}
