import { lookup } from 'node:dns/promises';
import type { ContainerInspectInfo } from 'dockerode';
import type { Logger } from '@slipway/core';
import { ControlPlane, ControlPlaneError } from './client.ts';
import type { AgentConfig } from './config.ts';
import { obtainCredential } from './credential.ts';
import { plan } from './converge.ts';
import { Engine, containerAddressOf, hostPortOf } from './docker/engine.ts';
import { installFirewall } from './firewall.ts';
import type { Managed } from './docker/labels.ts';
import { runStartupChecks, watchLiveness, watchReadiness } from './health.ts';
import { ImageFetcher } from './images.ts';
import { ImageGc } from './image-gc.ts';
import { Inspector } from './inspector.ts';
import type { CheckTarget, Health, Readiness } from './health.ts';
import type { Healthcheck } from '@slipway/app-json';
import { LogShipper } from './logs.ts';
import { MemorySampler } from './memory.ts';
import { reportOf } from './report.ts';
import { heartbeatDelayMs } from './backoff.ts';
import type { ContainerReport, InstanceSpec } from './protocol.ts';

/** How long a heartbeat waits for Docker to describe one container: well inside the control plane's heartbeat timeout. */
const INSPECT_MS = 1_000;

const key = (instanceId: string, generation: number) => `${instanceId}#${generation}`;

/**
 * One node's agent: every heartbeat it reports its containers, receives its assignments
 * and converges on them. Docker is the only record of what runs, so a restarted agent
 * adopts its containers from their labels.
 */
export class Agent {
  private readonly cp: ControlPlane;
  private readonly engine: Engine;
  private readonly logs: LogShipper;
  private readonly images: ImageFetcher;
  private readonly imageGc: ImageGc;
  private readonly memory: MemorySampler;
  private readonly inspector: Inspector;
  private readonly health = new Map<string, Health>();
  /** Readiness of healthy containers; absent while not known (an adopted container before its first round). */
  private readonly readiness = new Map<string, Readiness>();
  /** Why a container's health failed (a startup or liveness check, in words), for `ps`. */
  private readonly failures = new Map<string, string>();
  private readonly busy = new Set<string>();
  private readonly startErrors = new Map<string, { instanceId: string; generation: number; error: string }>();
  private readonly bootSec = Math.floor(Date.now() / 1000);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly cfg: AgentConfig, private readonly log: Logger) {
    this.cp = new ControlPlane(cfg.SLIPWAY_API_URL);
    this.engine = new Engine(cfg.DOCKER_SOCKET, cfg.NODE_ADDRESS, { pool: cfg.APP_NETWORK_POOL, prefix: cfg.APP_NETWORK_PREFIX });
    this.logs = new LogShipper(this.engine.docker, this.cp, log);
    this.images = new ImageFetcher(this.engine.docker, this.cp, log);
    this.imageGc = new ImageGc(this.engine.docker, this.cp, log, cfg.IMAGE_GC_MS);
    this.memory = new MemorySampler(this.engine.docker, log);
    this.inspector = new Inspector((id) => this.engine.inspect(id), INSPECT_MS);
  }

  async start(): Promise<void> {
    // Before any container starts: app networks are reachable only through the router.
    const routers = this.cfg.INGRESS_FROM.length ? this.cfg.INGRESS_FROM : await this.apiAddresses();
    await installFirewall(this.cfg.NODE_ADDRESS, routers);
    this.log.info({ ingressFrom: routers }, 'app network firewall installed');
    this.pruneNetworks();
    const { nodeId, credential } = await obtainCredential(this.cfg, this.cp);
    this.cp.setCredential(credential);
    this.log.info({ nodeId, node: this.cfg.NODE_NAME }, 'agent started');
    let failures = 0;
    const loop = async () => {
      const ok = await this.tick().then(() => true, async (err: unknown) => {
        await this.onError(err).catch((e: unknown) => this.log.warn({ err: e }, 'registering again failed'));
        return false;
      });
      failures = ok ? 0 : failures + 1;
      // Containers keep running whatever the control plane answers; only the heartbeat backs off.
      if (!this.stopped) this.timer = setTimeout(loop, heartbeatDelayMs(this.cfg.HEARTBEAT_MS, failures));
    };
    await loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.logs.close();
  }

  /** The API host's IPv4 addresses: where the routers run unless INGRESS_FROM says otherwise. */
  private async apiAddresses(): Promise<string[]> {
    const host = new URL(this.cfg.SLIPWAY_API_URL).hostname;
    return (await lookup(host, { all: true, family: 4 })).map((a) => a.address);
  }

  /** Removes app networks left without containers (after a removal; at start, those a crash left). */
  private pruneNetworks(): void {
    void this.engine.networks.prune().then(
      (removed) => { if (removed.length) this.log.info({ networks: removed }, 'app networks without containers removed'); },
      (err: unknown) => this.log.warn({ err }, 'removing unused app networks failed'),
    );
  }

  private async onError(err: unknown): Promise<void> {
    if (err instanceof ControlPlaneError && err.status === 401 && this.cfg.SLIPWAY_JOIN_TOKEN) {
      this.log.warn('node credential rejected; registering again with the join token');
      this.cp.setCredential((await obtainCredential(this.cfg, this.cp, true)).credential);
      return;
    }
    // 503: the control plane's own dependency is down (it says which in its /healthz); one line, no stack.
    if (err instanceof ControlPlaneError && err.status === 503) this.log.warn({ reason: err.message }, 'control plane unavailable; containers keep running, retrying');
    else this.log.warn({ err }, 'heartbeat failed');
  }

  async tick(): Promise<void> {
    const actual = await this.engine.list();
    const infos = new Map<string, ContainerInspectInfo>();
    await Promise.all(actual.map(async (m) => {
      const info = await this.inspector.get(m.containerId);
      if (info) infos.set(m.containerId, info);
    }));
    // Reported: the containers Docker answered for in time (one being created or started is reported next time).
    const known = actual.filter((m) => infos.has(m.containerId));
    // An exit is reported only after the container's last output line is shipped (a created one has none yet).
    const ended = known.filter((m) => !infos.get(m.containerId)!.State.Running && infos.get(m.containerId)!.State.Status !== 'created');
    await Promise.all(ended.map((m) => this.logs.drain(m.containerId, m.instanceId, this.logsSince(infos.get(m.containerId)!))));
    // Samples in the background: this heartbeat sends the last ones.
    this.memory.sampleIfDue(known.filter((m) => infos.get(m.containerId)!.State.Running).map((m) => m.containerId));
    const res = await this.cp.heartbeat({
      memoryMb: this.cfg.NODE_MEMORY_MB, cpus: this.cfg.NODE_CPUS, labels: this.cfg.labels,
      containers: [...known.map((m) => reportOf(m, infos.get(m.containerId)!, { health: this.health.get(m.containerId), readiness: this.readiness.get(m.containerId), failure: this.failures.get(m.containerId) }, this.memory.usedMb(m.containerId))), ...this.failedStarts()],
    });
    const assigned = new Map(res.instances.map((s) => [s.instanceId, s]));
    for (const k of this.startErrors.keys()) if (!res.instances.some((s) => key(s.instanceId, s.generation) === k)) this.startErrors.delete(k);
    const todo = plan(res.instances, actual);
    for (const spec of todo.start) if (!this.startErrors.has(key(spec.instanceId, spec.generation))) this.once(key(spec.instanceId, spec.generation), () => this.startInstance(spec));
    for (const m of todo.remove) this.once(m.containerId, () => this.removeContainer(m));
    for (const m of known) {
      const spec = assigned.get(m.instanceId);
      if (!m.running || spec === undefined || spec.generation !== m.generation) continue;
      void this.logs.follow(m.containerId, m.instanceId, this.logsSince(infos.get(m.containerId)!));
      if (!m.oneOff && !this.health.has(m.containerId)) this.check(m, spec, infos.get(m.containerId)!);
    }
    // Release images of destroyed apps go too, like their containers (when due; never throws).
    this.once('image-gc', () => this.imageGc.runIfDue());
  }

  /** Output from before this agent started was shipped by its predecessor. */
  private logsSince(info: ContainerInspectInfo): number {
    return Math.max(this.bootSec, Math.floor(Date.parse(info.State.StartedAt) / 1000));
  }

  private failedStarts(): ContainerReport[] {
    return [...this.startErrors.values()].map((f) => ({
      instanceId: f.instanceId, generation: f.generation, containerId: null, error: f.error, hostPort: null, status: 'exited', health: 'failed', exitCode: null, oomKilled: false, startedAt: null,
    }));
  }

  /** Runs an operation unless one with the same key is still in flight. */
  private once(k: string, op: () => Promise<void>): void {
    if (this.busy.has(k)) return;
    this.busy.add(k);
    op().catch((err) => this.log.error({ err, key: k }, 'container operation failed')).finally(() => this.busy.delete(k));
  }

  private async startInstance(spec: InstanceSpec): Promise<void> {
    try {
      await this.images.ensure(spec.image);
      const id = await this.engine.start(spec);
      this.log.info({ instance: spec.instanceId, dyno: spec.name, app: spec.appName, container: id.slice(0, 12) }, 'instance started');
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.startErrors.set(key(spec.instanceId, spec.generation), { instanceId: spec.instanceId, generation: spec.generation, error });
      this.log.warn({ instance: spec.instanceId, error }, 'instance failed to start');
    }
  }

  private async removeContainer(m: Managed): Promise<void> {
    await this.engine.stopAndRemove(m);
    this.health.delete(m.containerId);
    this.readiness.delete(m.containerId);
    this.failures.delete(m.containerId);
    this.logs.forget(m.containerId);
    this.log.info({ instance: m.instanceId, container: m.containerId.slice(0, 12) }, 'container removed');
    this.pruneNetworks();
  }

  private check(m: Managed, spec: InstanceSpec, info: ContainerInspectInfo): void {
    this.health.set(m.containerId, 'unknown');
    const port = hostPortOf(info);
    const target: CheckTarget = {
      published: port === null ? null : { address: this.cfg.NODE_ADDRESS, port },
      containerAddress: containerAddressOf(info),
      stillRunning: () => this.engine.inspect(m.containerId).then((i) => i.State.Running, () => false),
      exec: (cmd, timeoutMs) => this.engine.exec(m.containerId, cmd, timeoutMs),
    };
    const failed = (c: Healthcheck, reason: string) => this.log.warn({ dyno: spec.name, app: spec.appName, check: c.name, type: c.type, reason, warnOnly: c.warn }, 'health check failed');
    const gone = () => this.stopped || !this.health.has(m.containerId);
    // A container started before this agent is adopted: it passed its gate already and may just be
    // out of rotation; its readiness is found out again, never a reason to fail it.
    const adopted = Date.parse(info.State.StartedAt) / 1000 < this.bootSec;
    const reasons: string[] = [];
    void runStartupChecks(spec.healthchecks, target, () => this.stopped, (c, reason) => {
      failed(c, reason);
      if (!c.warn) reasons.push(`${c.type} check ${c.name}: ${reason}`);
    }, !adopted).then(async (h) => {
      if (!this.health.has(m.containerId)) return;
      if (h !== 'healthy' && reasons[0]) this.failures.set(m.containerId, reasons[0]);
      this.health.set(m.containerId, h);
      this.log.info({ dyno: spec.name, app: spec.appName, health: h }, 'health check finished');
      if (h !== 'healthy') return;
      if (!adopted) this.readiness.set(m.containerId, { ready: true });
      // Readiness takes the instance out of the router and back; the control plane hears it with the next heartbeat.
      void watchReadiness(spec.healthchecks, target, gone, (r) => {
        const before = this.readiness.get(m.containerId);
        if (gone() || (before?.ready === r.ready && before.reason === r.reason)) return;
        this.readiness.set(m.containerId, r);
        if (r.ready) this.log.info({ dyno: spec.name, app: spec.appName }, 'readiness checks pass; the instance is in rotation');
        else this.log.warn({ dyno: spec.name, app: spec.appName, reason: r.reason }, 'readiness check failed; the instance leaves the rotation until it passes');
      }, failed);
      // A failed liveness check reports the instance failed: the control plane restarts it with its crash back-off.
      const dead = await watchLiveness(spec.healthchecks, target, gone, failed);
      if (dead === null || gone()) return;
      this.failures.set(m.containerId, `liveness check ${dead.check.name}: ${dead.reason}`);
      this.health.set(m.containerId, 'failed');
      this.log.warn({ dyno: spec.name, app: spec.appName, check: dead.check.name, reason: dead.reason }, 'liveness check failed; the instance will be restarted');
    });
  }
}
