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
