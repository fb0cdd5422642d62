import type { Redis } from 'ioredis';
import type { Db } from '@slipway/db';
import { syncRouteTable, type RouteKeys, type RouteSync } from '@slipway/routing';
import { customDomainRefusal, defaultHost, routeHostRefusal, type Backend, type HostRoutes, type Logger, type ReservedHosts, type Route } from '@slipway/core';

/** A backend as the database knows it: whether the instance's readiness checks pass decides if it gets new requests. */
export type RoutedBackend = Backend & { ready: boolean };

/** What the route table needs to know of one app. */
export interface RoutedApp {
  name: string;
  affinity: boolean;
  backends: RoutedBackend[];
  domains: { hostname: string; pathPrefix: string }[];
}

/**
 * The backends an app's routes carry: draining ones (their in-flight requests finish) and the
 * active ones that are ready. When none of the active ones is ready they all stay: readiness
 * failing everywhere at once is more likely a shared fault (a database, the node's network) than
 * every instance broken, and an app answering errors beats a route with nobody behind it (as the
 * router uses backends it ejected for 5xx bursts when it has no other). `allUnready` says so.
 */
export function routedBackends(backends: readonly RoutedBackend[]): { backends: Backend[]; allUnready: boolean } {
  const active = backends.filter((b) => b.state === 'active');
  const allUnready = active.length > 0 && active.every((b) => !b.ready);
  return {
    backends: backends.filter((b) => b.state === 'draining' || b.ready || allUnready).map(({ id, url, state }) => ({ id, url, state })),
    allUnready,
  };
}

/** A domain row the table leaves out, and why. */
export interface IgnoredHost {
  host: string;
  app: string;
  reason: string;
}

/**
 * The route table as the database says it should be: each app on its default
 * host, each custom domain on the app whose row holds it, nothing else. Domain
 * rows that are now reserved (added before the rules, or the settings changed)
 * are left out, not deleted: the owner sees them in the domain list and can remove them.
 */
export function deriveRoutes(apps: readonly RoutedApp[], reserved: ReservedHosts): { table: Map<string, HostRoutes>; ignored: IgnoredHost[]; allUnready: string[] } {
  const table = new Map<string, Route[]>();
  const ignored: IgnoredHost[] = [];
  const allUnready: string[] = [];
  const add = (host: string, route: Route) => table.set(host, [...(table.get(host) ?? []), route]);
  for (const app of [...apps].sort((a, b) => a.name.localeCompare(b.name))) {
    const routed = routedBackends(app.backends);
    if (routed.allUnready) allUnready.push(app.name);
    const route = (pathPrefix: string): Route => ({ app: app.name, pathPrefix, balance: 'round-robin', affinity: app.affinity, backends: routed.backends });
    const own = defaultHost(app.name, reserved.domain);
    const refusal = routeHostRefusal(own, reserved);
    if (refusal) ignored.push({ host: own, app: app.name, reason: refusal });
    else add(own, route('/'));
    for (const d of app.domains) {
      const reason = customDomainRefusal(d.hostname, reserved);
      if (reason) ignored.push({ host: d.hostname, app: app.name, reason });
      else add(d.hostname, route(d.pathPrefix));
    }
  }
  for (const routes of table.values()) routes.sort((a, b) => a.pathPrefix.localeCompare(b.pathPrefix) || a.app.localeCompare(b.app));
  return { table, ignored, allUnready };
}

/**
 * Every app that has a web formation, with its web backends: healthy running instances as active
 * (with their readiness), draining ones as draining (in-flight requests finish, no new ones arrive). Instances on a node
 * marked down stay routed only while nothing else serves the app: the node may just be cut
 * off from the control plane, and the router's passive ejection skips a backend really gone.
 */
export async function loadRoutedApps(db: Db): Promise<RoutedApp[]> {
  const apps = await db.app.findMany({
    select: {
      name: true, sessionAffinity: true, formation: { where: { type: 'web' }, select: { type: true } }, domains: { select: { hostname: true, pathPrefix: true } },
      instances: { where: { type: 'web', state: { in: ['running', 'draining'] }, hostPort: { not: null } }, select: { id: true, state: true, healthy: true, ready: true, hostPort: true, node: { select: { address: true, status: true } } } },
    },
  });
  // An app with no web process type (no web formation) gets no route at all, as on Heroku.
  return apps.filter((app) => app.formation.length > 0).map((app) => {
    const serving = app.instances.filter((i) => i.node !== null && (i.state === 'draining' || i.healthy));
    const elsewhere = serving.some((i) => i.node!.status !== 'down' && i.state !== 'draining');
    return {
      name: app.name,
      affinity: app.sessionAffinity,
      domains: app.domains,
      backends: serving
        .filter((i) => !elsewhere || i.node!.status !== 'down')
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((i) => ({ id: i.id, url: `http://${i.node!.address}:${i.hostPort}`, state: i.state === 'draining' ? ('draining' as const) : ('active' as const), ready: i.ready })),
    };
  });
}

/**
 * Writes the derived table over the stored one (the leader, every pass): hosts
 * that changed are rewritten and hosts the database no longer assigns are
 * deleted, so a stale entry, whatever left it, lasts at most one pass. Ignored
 * domain rows are logged when they first appear, not on every pass.
 */
export class RoutePublisher {
  private reported = new Set<string>();
  private unready = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly reserved: ReservedHosts,
    private readonly keys: RouteKeys,
    private readonly log: Logger,
    private readonly secret?: string,
  ) {}

  async publish(): Promise<RouteSync> {
    const { table, ignored, allUnready } = deriveRoutes(await loadRoutedApps(this.db), this.reserved);
    for (const app of allUnready.filter((a) => !this.unready.has(a))) this.log.warn({ app }, 'every instance of the app fails its readiness checks: all stay routed rather than none');
    this.unready = new Set(allUnready);
    const now = new Set(ignored.map((i) => `${i.app} ${i.host}`));
    for (const i of ignored.filter((i) => !this.reported.has(`${i.app} ${i.host}`))) this.log.warn(i, 'domain left out of the route table: reserved');
    this.reported = now;
    const sync = await syncRouteTable(this.redis, table, this.keys, this.secret);
    if (sync.removed.length > 0) this.log.info({ hosts: sync.removed }, 'removed routes the database no longer assigns');
    return sync;
  }
}
