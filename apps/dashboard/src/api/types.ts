/** Response shapes of the /v1 endpoints the dashboard uses (see GET /v1/openapi.json). */

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
  isAdmin: boolean;
}

export type Role = 'owner' | 'member' | 'viewer';

export interface Account extends User {
  teams: { name: string; role: Role }[];
}

export interface Team {
  id: string;
  name: string;
  role: Role;
}

export interface ApiToken {
  id: string;
  description: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** app.json-style health check (Dokku's fields); the agents use the first one per process type. */
export interface HealthCheck {
  type: 'http' | 'tcp' | 'uptime';
  path: string;
  content?: string;
  timeout: number;
  attempts: number;
  wait?: number;
  initialDelay?: number;
}

export interface AppSummary {
  id: string;
  name: string;
  team?: string;
  webUrl: string;
  gitUrl: string;
  healthcheck: Record<string, HealthCheck[]> | null;
  sessionAffinity: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An apps-list item: the summary with its status, so the list needs one request. */
export interface AppListItem extends AppSummary {
  currentRelease: ReleaseRef | null;
  /** Instances wanted by the formation. */
  processes: number;
  instances: Record<string, number>;
}

export interface ReleaseRef {
  version: number;
  description: string;
  createdAt: string;
}

export type ProcessSize = 'basic' | 'standard' | 'performance';

export interface FormationEntry {
  type: string;
  quantity: number;
  size: ProcessSize | string;
  memoryMb?: number;
}

export interface AppInfo extends AppSummary {
  currentRelease: ReleaseRef | null;
  formation: FormationEntry[];
  domains: string[];
  instances: Record<string, number>;
}

export interface Release {
  id: string;
  version: number;
  description: string;
  status: string;
  image: string | null;
  buildId: string | null;
  processTypes: Record<string, string> | null;
  failure: string | null;
  createdAt: string;
}

export interface ReleaseDetail extends Release {
  configKeys: string[];
}

export type ConfigVars = Record<string, string>;

export interface Domain {
  id: string;
  hostname: string;
  createdAt: string;
}

export interface AuditEvent {
  id: string;
  action: string;
  actor: string | null;
  target: string | null;
  data: unknown;
  sourceIp: string | null;
  createdAt: string;
}

export interface Instance {
  id: string;
  name: string;
  type: string;
  state: string;
  healthy: boolean | null;
  node: string | null;
  release: number;
  restarts: number;
  /** Exit code and reason (e.g. "out of memory (limit 512 MB)") of the last crash. */
  lastExitCode: number | null;
  lastError: string | null;
  startedAt: string | null;
  uptimeSeconds: number;
}

/** One line of an app's log, as the agents ship it. */
export interface LogLine {
  ts: string;
  dyno: string;
  type: string;
  instanceId: string;
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface NodeInfo {
  name: string;
  address: string;
  status: string;
  labels: unknown;
  lastHeartbeatAt: string | null;
  memoryMb: number;
  memoryUsedMb: number;
  cpus: number;
  instances: { app: string; name: string; state: string }[];
}

export type BuildStatus = 'pending' | 'building' | 'succeeded' | 'failed' | 'cancelled';

export interface Build {
  id: string;
  status: BuildStatus;
  commitSha: string;
  branch: string;
  buildpack: string | null;
  image: string | null;
  failure: string | null;
  releaseVersion: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The `end` event of a build's output stream. */
export interface BuildOutcome {
  status: BuildStatus;
  failure?: string | null;
  releaseVersion?: number | null;
}

export interface AddonPlan {
  id: string;
  service: string;
  name: string;
  description: string;
}

export type AddonState = 'provisioning' | 'available' | 'deprovisioning' | 'deprovisioned' | 'failed';

export interface Addon {
  id: string;
  name: string;
  service: string;
  plan: string;
  state: AddonState | string;
  lastOperation: string | null;
  failure: string | null;
  ownerApp: string | null;
  attachments: { app: string | null; alias: string; configVars: string[] }[];
  createdAt: string;
}

export interface MetricsPoint {
  at: number;
  requestsPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  errorRate: number | null;
}

export interface AppMetrics {
  stepMs: number;
  current: { routers: number; requests: number; errors5xx: number; backends: { up: number; total: number }; websockets: number };
  series: MetricsPoint[];
  instances: { name: string; type: string; state: string; memoryLimitMb: number | null; memoryUsedMb: number | null }[];
}
