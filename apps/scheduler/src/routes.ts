import type { Redis } from 'ioredis';
import type { Db } from '@slipway/db';
import { defaultRouteKeys, getHostRoutes, setHostRoutes } from '@slipway/routing';
import type { Route } from '@slipway/core';

/**
 * Publishes an app's web backends to the router table: healthy running instances as
 * active, draining ones as draining (in-flight requests finish, no new ones arrive).
 * Written only when different, so a steady cluster sends routers nothing.
 */
export async function publishAppRoutes(db: Db, redis: Redis, appId: string, appsDomain: string, secret?: string): Promise<void> {
  const app = await db.app.findUnique({
    where: { id: appId },
    select: {
      name: true, sessionAffinity: true, domains: { select: { hostname: true, pathPrefix: true } },
      instances: { where: { type: 'web', state: { in: ['running', 'draining'] }, hostPort: { not: null } }, select: { id: true, state: true, healthy: true, hostPort: true, node: { select: { address: true, status: true } } } },
    },
  });
  if (!app) return;
  const serving = app.instances.filter((i) => i.node !== null && (i.state === 'draining' || i.healthy));
  // Instances on a node marked down stay routed only while nothing else serves: the node may just be cut off
  // from the control plane, and the router's own health checks eject a backend that is really gone.
  const elsewhere = serving.some((i) => i.node!.status !== 'down' && i.state !== 'draining');
  const backends = serving
    .filter((i) => !elsewhere || i.node!.status !== 'down')
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((i) => ({ id: i.id, url: `http://${i.node!.address}:${i.hostPort}`, state: i.state === 'draining' ? ('draining' as const) : ('active' as const) }));
  const hosts = [{ hostname: `${app.name}.${appsDomain}`, pathPrefix: '/' }, ...app.domains];
  for (const h of hosts) {
    const existing = (await getHostRoutes(redis, h.hostname, defaultRouteKeys, secret)) ?? [];
    const mine: Route = { app: app.name, pathPrefix: h.pathPrefix, balance: 'round-robin', affinity: app.sessionAffinity, backends };
    // Other apps may own other path prefixes of the same host: keep their entries.
    const others = existing.filter((r) => !(r.app === app.name && r.pathPrefix === h.pathPrefix));
    const before = existing.find((r) => r.app === app.name && r.pathPrefix === h.pathPrefix);
    if (before && JSON.stringify(before) === JSON.stringify(mine)) continue;
    await setHostRoutes(redis, h.hostname, [...others, mine], defaultRouteKeys, secret);
  }
}
