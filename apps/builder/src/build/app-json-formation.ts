import { z } from 'zod';
import { ONE_OFF_TYPES, processType } from '@slipway/core';
import { SIZES, MAX_QUANTITY, type Size } from '@slipway/scheduler/operations';

// Kept apart from app-json.ts (the healthchecks schema, rewritten elsewhere) so it can move into the shared app.json schema as is.

const sizeNames = Object.keys(SIZES) as [Size, ...Size[]];

/** Heroku's app.json `formation`: `{type: {quantity, size}}`; other keys of app.json are not looked at here. */
const formationEntry = z.object({
  quantity: z.number().int().min(0).max(MAX_QUANTITY).optional(),
  size: z.enum(sizeNames).optional(),
});
const formationSchema = z.object({
  formation: z
    .record(
      processType.superRefine((t, ctx) => {
        if (ONE_OFF_TYPES.includes(t)) ctx.addIssue({ code: 'custom', message: `"${t}" runs as a one-off and cannot be part of a formation` });
      }),
      formationEntry,
    )
    .optional(),
});

export type FormationRequest = z.infer<typeof formationEntry>;

/**
 * The `formation` of the commit's app.json (already read and parsed by readAppJson), or an empty
 * object when it has none. Invalid entries fail the build naming the field (`app.json: formation.web.quantity …`).
 */
export function appJsonFormation(appJson: { formation?: unknown } | undefined): Record<string, FormationRequest> {
  const r = formationSchema.safeParse({ formation: appJson?.formation });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`app.json: ${issue.path.join('.')}: ${issue.message}`);
  }
  return r.data.formation ?? {};
}

/**
 * The formation rows for process types that appear for the first time, as Heroku sets them:
 * web=1 when the release has a web type, every other type 0, unless app.json says otherwise.
 * Types already in the formation are not passed here: after their first release `ps:scale` wins.
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
