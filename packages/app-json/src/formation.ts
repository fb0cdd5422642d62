import { z } from 'zod';
import { MAX_QUANTITY, ONE_OFF_TYPES, SIZE_NAMES, processType } from '@slipway/core';

/** One process type's entry in Heroku's app.json `formation`. */
export const formationEntry = z.looseObject({
  quantity: z.int().min(0, 'must be at least 0').max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`).optional(),
  size: z.enum(SIZE_NAMES).optional(),
});

/**
 * Heroku's app.json `formation`: `{type: {quantity, size}}`. `release` and `run` run as
 * one-offs and can never be a formation type.
 */
export const formation = z.record(
  processType.superRefine((t, ctx) => {
    if (ONE_OFF_TYPES.includes(t)) ctx.addIssue({ code: 'custom', message: `must not be "${t}": it runs as a one-off and cannot be part of a formation` });
  }),
  formationEntry,
);

export type FormationRequest = z.output<typeof formationEntry>;
