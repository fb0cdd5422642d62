/** The shapes the CLI reads from the API (see GET /v1/openapi.json); only the fields it uses. */

export interface Account {
  id: string;
  email: string;
  isAdmin: boolean;
  teams: Array<{ name: string; role: string }>;
  token: { id: string; scopes: string[] } | null;
}

export interface AppSummary {
  id: string;
  name: string;
  team?: string;
  webUrl: string;
  gitUrl: string;
  createdAt: string;
}

export interface FormationEntry {
  type: string;
  quantity: number;
  size: string;
  memoryMb?: number;
}

export interface AppInfo extends AppSummary {
  currentRelease: { version: number; description: string; createdAt: string } | null;
  formation: FormationEntry[];
  domains: string[];
  /** Instance counts by state, as reported by the scheduler. */
  instances: Record<string, number>;
}

export interface Release {
  id: string;
  version: number;
  description: string;
  status: string;
  image: string | null;
  failure: string | null;
  createdAt: string;
  configKeys?: string[];
}

export interface Domain {
  id: string;
  hostname: string;
  createdAt: string;
}

export interface Team {
  id: string;
  name: string;
  role: string;
}

export interface Member {
  email: string;
  role: string;
}

export interface Token {
  id: string;
  description: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
  token?: string;
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

/** One running instance (dyno) of an app. */
export interface Instance {
  id: string;
  name: string;
  type: string;
  state: 'pending' | 'starting' | 'running' | 'draining' | 'stopped' | 'crashed';
  healthy: boolean;
  node: string | null;
  release: number;
  restarts: number;
  lastExitCode: number | null;
  lastError: string | null;
  startedAt: string | null;
  uptimeSeconds: number;
}

export interface WorkerNode {
  name: string;
  address: string;
  status: string;
  lastHeartbeatAt: string | null;
  memoryMb: number;
  memoryUsedMb: number;
  cpus: number;
  instances: Array<{ app: string; name: string; state: string }>;
}

/** A log line as the logs stream sends it. */
export interface LogLine {
  ts: string;
  dyno: string;
  type: string;
  instanceId: string;
  stream: 'stdout' | 'stderr';
  line: string;
  /** Set on lines the platform writes about an instance (an OOM kill), not the app. */
  source?: 'platform';
}

export interface Build {
  id: string;
  status: 'pending' | 'building' | 'succeeded' | 'failed' | 'cancelled';
  commitSha: string;
  branch: string;
  buildpack: string | null;
  image: string | null;
  failure: string | null;
  releaseVersion: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Only from GET /v1/apps/:app/builds/:id. */
  log?: string;
}

/** The `event: end` record of a build's output stream. */
export interface BuildOutcome {
  status: Build['status'];
  failure?: string | null;
  releaseVersion?: number | null;
}

export interface Addon {
  id: string;
  name: string;
  service: 'postgres' | 'redis';
  plan: string;
  state: 'provisioning' | 'available' | 'deprovisioning' | 'deprovisioned' | 'failed';
  lastOperation: string | null;
  failure: string | null;
  ownerApp: string | null;
  attachments: Array<{ app: string | null; alias: string; configVars: string[] }>;
  createdAt: string;
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
  sizeBytes: number;
  createdAt: string;
}
