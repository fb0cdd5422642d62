import { z } from 'zod';
import { SlipwayError, processType } from '@slipway/core';
import { route } from '../http/route.ts';
import { appFor } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { notifyDesired } from '../services/releases.ts';

/** Memory and CPU per dyno size, Heroku-like names. */
export const SIZES = {
  basic: { memoryMb: 256, cpuShares: 512 },
  standard: { memoryMb: 512, cpuShares: 1024 },
  performance: { memoryMb: 2048, cpuShares: 2048 },
} as const;

export const MAX_QUANTITY = 100;

const update = z.strictObject({
  type: processType,
  quantity: z.number().int().min(0, 'Quantity cannot be negative').max(MAX_QUANTITY, `At most ${MAX_QUANTITY} instances per process type`).optional(),
  size: z.enum(Object.keys(SIZES) as [keyof typeof SIZES]).optional(),
});

export const formationRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/formation',
    tag: 'formation',
    summary: 'Process types with quantity and size',
    handler: async ({ deps, principal, params }) => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const rows = await deps.db.formation.findMany({ where: { appId: app.id }, orderBy: { type: 'asc' } });
      return rows.map((f) => ({ type: f.type, quantity: f.quantity, size: f.size, memoryMb: f.memoryMb }));
    },
  }),
  route({
    method: 'patch',
    path: '/v1/apps/:app/formation',
    tag: 'formation',
    summary: 'Scale or resize process types; the scheduler applies it',
    status: 200,
    body: z.strictObject({ updates: z.array(update).min(1).max(20) }),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const known = await knownTypes(deps, app.id);
      const unknown = body.updates.filter((u) => !known.has(u.type)).map((u) => u.type);
      if (unknown.length) {
        throw new SlipwayError('unprocessable', `Unknown process type ${unknown.join(', ')}; this app has: ${[...known].sort().join(', ')}`);
      }
      await deps.db.$transaction(
        body.updates.map((u) => {
          const size = u.size ? { size: u.size, ...SIZES[u.size] } : {};
          return deps.db.formation.upsert({
            where: { appId_type: { appId: app.id, type: u.type } },
            create: { appId: app.id, type: u.type, quantity: u.quantity ?? 0, ...size },
            update: { ...(u.quantity === undefined ? {} : { quantity: u.quantity }), ...size },
          });
        }),
      );
      await audit(deps, req, principal, { action: 'formation.update', teamId: app.teamId, appId: app.id, target: app.name, data: body.updates });
      await notifyDesired(deps, app.id);
      const rows = await deps.db.formation.findMany({ where: { appId: app.id }, orderBy: { type: 'asc' } });
      return rows.map((f) => ({ type: f.type, quantity: f.quantity, size: f.size, memoryMb: f.memoryMb }));
    },
  }),
];

/** Types come from the formation and from the latest release's Procfile. */
async function knownTypes(deps: import('../deps.ts').Deps, appId: string): Promise<Set<string>> {
  const [rows, release] = await Promise.all([
    deps.db.formation.findMany({ where: { appId } }),
    deps.db.release.findFirst({ where: { appId }, orderBy: { version: 'desc' } }),
  ]);
  const fromRelease = release?.processTypes && typeof release.processTypes === 'object' ? Object.keys(release.processTypes) : [];
  return new Set([...rows.map((r) => r.type), ...fromRelease]);
}
