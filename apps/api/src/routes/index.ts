import type { RouteDef } from '../http/route.ts';
import { sessionRoutes } from './session.ts';
import { tokenRoutes } from './tokens.ts';
import { userRoutes } from './users.ts';
import { teamRoutes } from './teams.ts';
import { appRoutes } from './apps.ts';
import { configVarRoutes } from './config-vars.ts';
import { releaseRoutes } from './releases.ts';
import { cronRoutes } from './cron.ts';
import { formationRoutes } from './formation.ts';
import { domainRoutes } from './domains.ts';
import { eventRoutes } from './events.ts';
import { adminRoutes } from './admin.ts';
import { instanceRoutes } from './instances.ts';
import { logRoutes } from './logs.ts';
import { runRoutes } from './runs.ts';
import { nodeRoutes } from './nodes.ts';
import { buildRoutes } from './builds.ts';
import { addonRoutes } from './addons.ts';
import { metricRoutes } from './metrics.ts';
import { eventStreamRoutes } from './events-stream.ts';

/** Every JSON endpoint of /v1; the OpenAPI document is generated from this list. */
export const allRoutes: RouteDef[] = [
  ...sessionRoutes,
  ...tokenRoutes,
  ...userRoutes,
  ...teamRoutes,
  ...appRoutes,
  ...configVarRoutes,
  ...releaseRoutes,
  ...cronRoutes,
  ...formationRoutes,
  ...domainRoutes,
  ...eventRoutes,
  ...buildRoutes,
  ...addonRoutes,
  ...metricRoutes,
  ...eventStreamRoutes,
  ...instanceRoutes,
  ...logRoutes,
  ...runRoutes,
  ...nodeRoutes,
  ...adminRoutes,
];
