import type { RouteDef } from '../http/route.ts';
import { sessionRoutes } from './session.ts';
import { tokenRoutes } from './tokens.ts';
import { userRoutes } from './users.ts';
import { teamRoutes } from './teams.ts';
import { appRoutes } from './apps.ts';
import { configVarRoutes } from './config-vars.ts';
import { releaseRoutes } from './releases.ts';
import { formationRoutes } from './formation.ts';
import { domainRoutes } from './domains.ts';
import { eventRoutes } from './events.ts';
import { adminRoutes } from './admin.ts';

/** Every JSON endpoint of /v1; the OpenAPI document is generated from this list. */
export const allRoutes: RouteDef[] = [
  ...sessionRoutes,
  ...tokenRoutes,
  ...userRoutes,
  ...teamRoutes,
  ...appRoutes,
  ...configVarRoutes,
  ...releaseRoutes,
  ...formationRoutes,
  ...domainRoutes,
  ...eventRoutes,
  ...adminRoutes,
];
