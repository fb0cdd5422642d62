import { ONE_OFF_TYPES, SIZES, type Size } from '@slipway/core';
import type { FormationRequest } from '@slipway/app-json';

/**
 * The formation rows for process types that appear for the first time, as Heroku sets them:
 * web=1 when the release has a web type, every other type 0, unless app.json `formation`
 * (validated with the rest of app.json by @slipway/app-json) says otherwise. Types already in
 * the formation are not passed here: after their first release `ps:scale` wins.
 */
export function initialFormation(processTypes: string[], requested: Record<string, FormationRequest>): { type: string; quantity: number; size?: Size; memoryMb?: number; cpuShares?: number }[] {
  return processTypes
    .filter((type) => !ONE_OFF_TYPES.includes(type))
    .map((type) => {
      const want = requested[type];
      const size = want?.size ? { size: want.size, ...SIZES[want.size] } : {};
      return { type, quantity: want?.quantity ?? (type === 'web' ? 1 : 0), ...size };
    });
}
