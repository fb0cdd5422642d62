import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { isDatabaseUnavailable, type Db } from '@slipway/db';
import { NonceCache, reservedHosts, type Logger } from '@slipway/core';
import { defaultRouteKeys, isTableWhole, markTableWhole, type RouteKeys } from '@slipway/routing';
import { BLIND_UNTIL_KEY, DESIRED_CHANNEL, LEADER_KEY, readDesired } from './channels.ts';
import { LeaderLease } from './lease.ts';
import { loadState } from './state.ts';
import { reconcileApp } from './reconcile.ts';
import { judgeNodes } from './node-judge.ts';
import { applyActions } from './apply.ts';
import { RoutePublisher } from './routes.ts';
import { advanceReleasePhase } from './release-phase.ts';
import { advancePostdeploys } from './postdeploy.ts';
import { runCron } from './cron.ts';
import type { Policy } from './model.ts';

export interface SchedulerOptions {
  db: Db;
  redis: Redis;
  /** A second connection: a subscribed ioredis client can do nothing else. */
  subscriber: Redis;
  log: Logger;
  policy: Policy;
  /** SLIPWAY_DOMAIN: apps answer at `<app>.<appsDomain>`. */
  appsDomain: string;
  /** The control plane's own host names (public URL, SLIPWAY_RESERVED_HOSTS): never routed to an app. */
  controlPlaneHosts?: readonly string[];
  /** The route table this scheduler owns entirely (its sweep deletes every host the database does not assign). */
  routeKeys?: RouteKeys;
  tickMs: number;
  leaseMs: number;
  /** Separate lease names let separate clusters (or test runs) share one Redis. */
  leaderKey?: string;
  /** SLIPWAY_INTERNAL_SECRET: signs route entries; notices without its signature are ignored (the tick still runs). */
  internalSecret?: string;
}

/**
 * The reconcile loop: every tick and on every desired-state notice, if this process holds
 * the leader lease, load state → judge nodes (node-judge.ts) → reconcile each app → apply → publish routes.
 */
export class Scheduler {
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly lease: LeaderLease;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  isLeader = false;
  private readonly nonces = new NonceCache();
  private readonly routes: RoutePublisher;
  private readonly routeKeys: RouteKeys;
  /** True until a pass succeeds as leader: from start, after a failed pass, and while another scheduler leads. */
  private blind = true;
  /** Since when this scheduler's own view has been unbroken (see judgeNodes). */
  private heardSince = 0;
  private lastPassAt = 0;

  constructor(private readonly o: SchedulerOptions) {
    this.lease = new LeaderLease(o.redis, o.leaderKey ?? LEADER_KEY, this.id, o.leaseMs);
    const reserved = reservedHosts({ SLIPWAY_DOMAIN: o.appsDomain, SLIPWAY_RESERVED_HOSTS: o.controlPlaneHosts });
    this.routeKeys = o.routeKeys ?? defaultRouteKeys;
    this.routes = new RoutePublisher(o.db, o.redis, reserved, this.routeKeys, o.log, o.internalSecret);
  }

  async start(): Promise<void> {
    await this.o.subscriber.subscribe(DESIRED_CHANNEL);
    this.o.subscriber.on('message', (_channel: string, message: string) => {
      if (readDesired(message, this.o.internalSecret, this.nonces) === null) this.o.log.warn('refused unsigned, stale or replayed desired-state notice');
      else this.kick();
    });
    this.timer = setInterval(() => this.kick(), this.o.tickMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.o.subscriber.unsubscribe(DESIRED_CHANNEL).catch(() => {});
    if (this.isLeader) await this.lease.release().catch(() => {});
  }

  /** Runs a pass now, or right after the one in progress (notifications coalesce). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => {
        this.blind = true;
        // An outage is one line per pass, not a stack: nodes get a fresh grace when it ends.
        if (isDatabaseUnavailable(err)) this.o.log.warn('scheduler pass skipped: the database is unavailable; nodes are not judged until it returns');
        else this.o.log.error({ err }, 'scheduler pass failed');
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pass(): Promise<void> {
    const { db, log, policy } = this.o;
    const leader = await this.lease.acquire();
    if (leader !== this.isLeader) log.info({ scheduler: this.id, leader }, leader ? 'became leader' : 'lost leadership');
    this.isLeader = leader;
    if (!leader) {
      this.blind = true;
      return;
    }
    const now = Date.now();
    // A pass that comes too late (the process stalled) saw nothing in between either.
    if (this.blind || now - this.lastPassAt > policy.heartbeatTimeoutMs) this.heardSince = now;
    // Redis restarted empty lost the mark with the routes: this pass republishes every app, then marks it.
    const routesWhole = await isTableWhole(this.o.redis, this.routeKeys, this.o.internalSecret);
    const apiBlindUntil = Number((await this.o.redis.get(BLIND_UNTIL_KEY)) ?? 0) || 0;
    const heardSince = Math.max(this.heardSince, Math.min(apiBlindUntil, now));
    let state = await loadState(db);
    const judged = judgeNodes({ nodes: state.nodes, now, heardSince, policy });
    const nameOf = (id: string) => state.nodes.find((n) => n.id === id)!.name;
    if (judged.fullDisruption) {
      log.warn({ silent: judged.spared.map(nameOf) }, 'most nodes went silent at once: suspecting the control plane or the network, evicting nothing (full disruption)');
    }
    for (const n of state.nodes.filter((x) => judged.down.includes(x.id))) {
      // Guarded on the heartbeat read: one that arrived meanwhile keeps its node up.
      const seen = n.lastHeartbeatAt === null ? null : new Date(n.lastHeartbeatAt);
      const { count } = await db.node.updateMany({ where: { id: n.id, status: { not: 'down' }, lastHeartbeatAt: seen }, data: { status: 'down' } });
      if (count === 0) continue;
      n.status = 'down';
      log.warn({ node: n.name, silentMs: now - judged.heardAt.get(n.id)! }, 'node silent past the heartbeat timeout while the control plane could hear it: marked down');
    }
    // Placement counts a heartbeat missed while the control plane was blind as heard.
    for (const n of state.nodes) n.lastHeartbeatAt = judged.heardAt.get(n.id)!;
    // Stopped rows whose node is gone will get no report that would clear them.
    await db.instance.deleteMany({ where: { state: 'stopped', OR: [{ nodeId: null }, { node: { status: 'down' } }] } });
    let phased = false;
    for (const phase of state.phases) phased = (await advanceReleasePhase(db, log, phase, state, now, policy)) || phased;
    // A phase that just ended makes its release the target in this same pass (heartbeats judged as above).
    if (phased) {
      state = await loadState(db);
      for (const n of state.nodes) n.lastHeartbeatAt = judged.heardAt.get(n.id) ?? n.lastHeartbeatAt;
    }
    if (state.pendingTargets.length > 0) await db.release.updateMany({ where: { id: { in: state.pendingTargets }, status: 'pending' }, data: { status: 'deploying' } });
    const nodeMap = new Map(state.nodes.map((n) => [n.id, n]));
    for (const app of state.apps) {
      const mine = state.instances.filter((i) => i.appId === app.appId);
      const actions = reconcileApp(app, mine, nodeMap, now, policy);
      if (actions.length > 0) await applyActions(db, log, actions, state.nodes, state.instances, now, policy);
    }
    // After the rollouts: a release that just succeeded gets its postdeploy; cron runs follow the serving release.
    await advancePostdeploys(db, log, state, now, policy);
    await runCron(db, log, state, now, policy);
    // The whole table, derived from the database every pass: routes follow health reports (which arrive
    // without any action here) and domain changes, and whatever the database no longer assigns goes.
    await this.routes.publish();
    if (!routesWhole && (await markTableWhole(this.o.redis, this.routeKeys, this.o.internalSecret))) log.info('route table republished whole; routers reload it');
    this.blind = false;
    this.lastPassAt = Date.now();
  }
}
