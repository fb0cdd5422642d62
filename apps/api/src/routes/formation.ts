import { z } from 'zod';
import { formationUpdates, scaleFormation } from '@slipway/scheduler/operations';
import type { FormationEntry } from '@slipway/api-types';
import type { Deps } from '../deps.ts';
import { route } from '../http/route.ts';
import { appFor } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { desiredNotifier } from '../services/releases.ts';

/** An app's process types, by name; also part of the app info. */
export async function formationOf(deps: Deps, appId: string): Promise<FormationEntry[]> {
  const rows = await deps.db.formation.findMany({ where: { appId }, orderBy: { type: 'asc' } });
  return rows.map((f) => ({ type: f.type, quantity: f.quantity, size: f.size, memoryMb: f.memoryMb }));
}

export const formationRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/formation',
    tag: 'formation',
    summary: 'Process types with quantity and size',
    handler: async ({ deps, principal, params }) => {
      const app = await appFor(deps, principal, params.app!, 'read');
      return formationOf(deps, app.id);
    },
  }),
  route({
    method: 'patch',
    path: '/v1/apps/:app/formation',
    tag: 'formation',
    summary: 'Scale or resize process types; the scheduler applies it',
    status: 200,
    body: z.strictObject({ updates: formationUpdates }),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      await scaleFormation(deps.db, desiredNotifier(deps), app.id, body.updates);
      await audit(deps, req, principal, { action: 'formation.update', teamId: app.teamId, appId: app.id, target: app.name, data: body.updates });
      return formationOf(deps, app.id);
    },
  }),
];
