/**
 * The JSON the REST API (/v1) answers with: the API's views declare these as their return
 * types and the CLI and the dashboard read responses as them, so the compiler keeps all three
 * in step. Types only (the dashboard's browser build imports them too): no runtime code.
 *
 * Times are ISO 8601 strings: the API's views turn Dates into strings themselves, so each
 * type is exactly what goes over the wire.
 */

/** A page of a list endpoint; pass `nextCursor` back as `?cursor=` for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// Users, teams, tokens

export type Role = 'owner' | 'member' | 'viewer';

export interface User {
  id: string;
  email: string;
  isAdmin: boolean;
}

/** POST /v1/login: the user, and the API token when `tokenDescription` was given (otherwise a session cookie). */
export interface LoginResult {
  user: User;
  token?: string;
}

/** GET /v1/account: the caller, their teams, and the token they called with (null for a dashboard session). */
export interface Account extends User {
  teams: { name: string; role: Role }[];
  token: { id: string; scopes: string[] } | null;
}

export interface Team {
  id: string;
  name: string;
  role: Role;
}

export interface Member {
  email: string;
  role: Role;
}

/** An API token as listed: never the token itself. */
export interface ApiToken {
  id: string;
  description: string;
  /** The token's first characters, to tell tokens apart. */
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** POST /v1/tokens: the only answer that carries the token. */
export interface NewApiToken extends ApiToken {
  token: string;
}

export interface AuditEvent {
  id: string;
  action: string;
  /** The acting user's email; null when no one was logged in (a failed login). */
  actor: string | null;
  target: string | null;
  data: unknown;
  sourceIp: string | null;
  createdAt: string;
}

// Apps

/** One health check as app.json (Dokku's format) gives it, stored with the defaults filled in and a name. */
import type { Healthcheck } from '@slipway/app-json';
export type { Healthcheck as HealthCheck, HealthcheckInput as HealthCheckInput } from '@slipway/app-json';

/** An app as created, renamed or updated. */
export interface AppSummary {
  id: string;
  name: string;
  team: string;
  webUrl: string;
  gitUrl: string;
  /** Process type → checks; null: each release's app.json, else the defaults (web must accept TCP on $PORT). */
  healthcheck: Record<string, Healthcheck[]> | null;
  sessionAffinity: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The latest release that rolled out. */
export interface ReleaseRef {
  version: number;
  description: string;
  createdAt: string;
}

/** An app in GET /v1/apps: the summary with its status, so a list needs one request. */
export interface AppListItem extends AppSummary {
  currentRelease: ReleaseRef | null;
  /** Instances the formation wants, all types together. */
  processes: number;
  /** Instance counts by state (InstanceState), stopped ones left out. */
  instances: Record<string, number>;
}

/** What the caller may do with an app: their team role, narrowed by their API token's scopes. */
export interface AppAccess {
  role: Role;
  /** Push, config, scale, restart, run, rollback, domains, add-ons, backups. */
  operate: boolean;
  /** Rename and destroy. */
  manage: boolean;
  /**
   * Why config var values and add-on credentials are hidden from the caller, who sees
   * names only (a viewer, or a `read` token); null: they are shown.
   */
  secretsHidden: string | null;
}

/** GET /v1/apps/:app */
export interface AppInfo extends AppSummary {
  access: AppAccess;
  currentRelease: ReleaseRef | null;
  formation: FormationEntry[];
  /** Custom hostnames. */
  domains: string[];
  /** Instance counts by state (InstanceState), as the scheduler reports them. */
  instances: Record<string, number>;
}

/** The sizes a process type or a one-off can run at. */
export type ProcessSize = 'basic' | 'standard' | 'performance';

export interface FormationEntry {
  type: string;
  quantity: number;
  /** A ProcessSize. */
  size: string;
  /** The memory limit of each instance, from its size. */
  memoryMb: number;
}

export interface Domain {
  id: string;
  hostname: string;
  createdAt: string;
}

// Releases and config

export type ReleaseStatus = 'pending' | 'releasing' | 'deploying' | 'succeeded' | 'failed' | 'superseded' | 'skipped';

export interface Release {
  id: string;
  version: number;
  description: string;
  status: ReleaseStatus;
  image: string | null;
  buildId: string | null;
  /** Process type → command, from the build. */
  processTypes: Record<string, string> | null;
  /** Why the rollout failed. */
  failure: string | null;
  /** app.json `scripts.dokku.postdeploy`, run once the release rolled out; null when it has none or it has not started. */
  postdeploy: { command: string; status: 'running' | 'succeeded' | 'failed' | null; failure: string | null } | null;
  createdAt: string;
}

/** GET /v1/apps/:app/releases/:version/output: the release phase's command and what it printed (null: none ran). */
export interface ReleaseOutput {
  version: number;
  command: string | null;
  output: string | null;
}

/** GET /v1/apps/:app/releases/:version: with the names of the config vars it carries. */
export interface ReleaseDetail extends Release {
  configKeys: string[];
}

export type ConfigVars = Record<string, string>;

/**
 * GET /v1/apps/:app/config-vars: KEY → value, Heroku's shape. A value is null when the
 * caller may see names only (AppAccess.secretsHidden says why).
 */
export type ConfigVarsView = Record<string, string | null>;

/** PATCH /v1/apps/:app/config-vars: the vars now, and the release a real change made. */
export interface ConfigVarsUpdate {
  config: ConfigVars;
  release: Release | null;
}

// Builds

export type BuildStatus = 'pending' | 'building' | 'succeeded' | 'failed' | 'cancelled';

export interface Build {
  id: string;
  status: BuildStatus;
  commitSha: string;
  branch: string;
  buildpack: string | null;
  image: string | null;
  failure: string | null;
  /** The release the build made, once it has. */
  releaseVersion: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** GET /v1/apps/:app/builds/:id: with its stored output. */
export interface BuildDetail extends Build {
  log: string;
}

/** The `event: end` record of a build's output stream. */
export interface BuildOutcome {
  status: BuildStatus;
  failure?: string | null;
  releaseVersion?: number | null;
}

// Processes, logs, nodes, metrics

export type InstanceState = 'pending' | 'starting' | 'running' | 'draining' | 'stopped' | 'crashed';

/** One instance (dyno) of an app. */
export interface Instance {
  id: string;
  /** web.1, run.3 */
  name: string;
  type: string;
  state: InstanceState;
  healthy: boolean;
  /** Its app.json readiness checks pass (always true without any); a running instance that is not ready gets no new requests. */
  ready: boolean;
  /** Why it is not ready, e.g. `GET /ready returned 503`; null when ready. */
  notReady: string | null;
  /** The node's name; null until placed. */
  node: string | null;
  /** The release version it runs. */
  release: number;
  restarts: number;
  /** Exit code and reason (e.g. "out of memory (limit 512 MB)") of the last crash. */
  lastExitCode: number | null;
  lastError: string | null;
  startedAt: string | null;
  uptimeSeconds: number;
  /** Memory in use at the node agent's last sample (every 10 s); null before one and once stopped. */
  memoryUsedMb: number | null;
  /** The memory limit of its size. */
  memoryLimitMb: number;
}

/** One line of an app's log: what the logs stream sends, and what the bus and the stored list carry. */
export interface LogLine {
  ts: string;
  /** DYNO-like source: web.1, run.3 */
  dyno: string;
  type: string;
  instanceId: string;
  stream: 'stdout' | 'stderr';
  line: string;
  /** Set on lines the platform writes about an instance (an OOM kill), not the app. */
  source?: 'platform';
}

export type NodeStatus = 'ready' | 'draining' | 'down';

/** GET /v1/nodes (administrators). */
export interface WorkerNode {
  name: string;
  address: string;
  status: NodeStatus;
  /** Placement labels, e.g. { disk: 'ssd' }. */
  labels: Record<string, string>;
  lastHeartbeatAt: string | null;
  memoryMb: number;
  /** What the instances placed on it may use, by their sizes. */
  memoryUsedMb: number;
  cpus: number;
  instances: { app: string; name: string; state: InstanceState }[];
}

/** One step of an app's router figures. */
export interface MetricsPoint {
  /** Start of the step, ms since the epoch. */
  at: number;
  requestsPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Share of answers that were 5xx, 0..1 (null without requests). */
  errorRate: number | null;
}

/** GET /v1/apps/:app/metrics */
export interface AppMetrics {
  stepMs: number;
  /** Totals of the routers that reported lately. */
  current: { routers: number; requests: number; errors5xx: number; backends: { up: number; total: number }; websockets: number };
  series: MetricsPoint[];
  /** Memory the app's instances used together (MB), per step, as the node agents sampled it. */
  memory: { at: number; usedMb: number }[];
  instances: { name: string; type: string; state: InstanceState; memoryLimitMb: number; memoryUsedMb: number | null }[];
}

// Add-ons

export type AddonService = 'postgres' | 'redis';

/** A plan of the catalog (GET /v1/addon-services). */
export interface AddonPlan {
  /** e.g. postgres:shared */
  id: string;
  service: AddonService;
  name: string;
  description: string;
}

export type AddonState = 'provisioning' | 'available' | 'deprovisioning' | 'deprovisioned' | 'failed';

export interface Addon {
  id: string;
  name: string;
  service: AddonService;
  /** The plan's name, e.g. shared. */
  plan: string;
  state: AddonState;
  lastOperation: string | null;
  failure: string | null;
  ownerApp: string | null;
  /** App names (null: an app gone meanwhile) and the vars each attachment sets. */
  attachments: { app: string | null; alias: string; configVars: string[] }[];
  /**
   * Redis: the plan's memory quota and the last measurement of the add-on's keys
   * (null bytes: not measured yet). Over quota, writes are refused until it frees space.
   */
  usage: { bytes: number | null; quotaBytes: number; overQuota: boolean; measuredAt: string | null } | null;
  /** Postgres: the most connections the add-on's role may open at once. */
  connectionLimit: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface AddonCredentials {
  url: string;
  username: string;
  secret: string;
  /** More vars the app gets as `<ALIAS>_<KEY>`, e.g. KEY_PREFIX for Redis. */
  extra: Record<string, string>;
}

export interface Backup {
  id: string;
  addonId: string;
  sizeBytes: number;
  createdAt: string;
}

/** GET /v1/apps/:app/cron: the serving release's app.json cron jobs (Dokku's format), times in UTC. */
export interface CronJobView {
  /** Stable across releases while the schedule and command stay the same. */
  id: string;
  command: string;
  schedule: string;
  lastRun: { slot: string; status: 'running' | 'succeeded' | 'failed' | 'skipped'; exitCode: number | null; startedAt: string; finishedAt: string | null } | null;
  /** The next slot (ISO, UTC). */
  nextRun: string;
}
