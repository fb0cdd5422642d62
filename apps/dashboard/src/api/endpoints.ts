import { call } from './client.ts';
import type {
  Account, ApiToken, AppInfo, AppSummary, AuditEvent, ConfigVars, Domain, FormationEntry, Instance, NodeInfo, Page, ProcessSize, Release, ReleaseDetail, Team, User,
} from './types.ts';

const app = (name: string) => `/apps/${encodeURIComponent(name)}`;

/** Typed calls, one per endpoint the dashboard uses. */
export const api = {
  login: (email: string, password: string) => call<{ user: User }>('POST', '/login', { email, password }),
  logout: () => call<void>('POST', '/logout'),
  account: () => call<Account>('GET', '/account'),

  teams: () => call<Page<Team>>('GET', '/teams?limit=200'),
  tokens: () => call<Page<ApiToken>>('GET', '/tokens?limit=200'),
  createToken: (description: string, scopes: string[]) => call<ApiToken & { token: string }>('POST', '/tokens', { description, scopes }),
  revokeToken: (id: string) => call<void>('DELETE', `/tokens/${encodeURIComponent(id)}`),

  apps: (cursor?: string) => call<Page<AppSummary>>('GET', `/apps?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
  createApp: (name: string, team?: string) => call<AppSummary>('POST', '/apps', team ? { name, team } : { name }),
  app: (name: string) => call<AppInfo>('GET', app(name)),
  destroyApp: (name: string) => call<void>('DELETE', app(name)),

  configVars: (name: string) => call<ConfigVars>('GET', `${app(name)}/config-vars`),
  /** `null` unsets a key; all changes land in one release. */
  updateConfigVars: (name: string, changes: Record<string, string | null>) =>
    call<{ config: ConfigVars; release: Release | null }>('PATCH', `${app(name)}/config-vars`, changes),

  releases: (name: string, cursor?: string) => call<Page<Release>>('GET', `${app(name)}/releases?limit=50${cursor ? `&cursor=${cursor}` : ''}`),
  release: (name: string, version: number) => call<ReleaseDetail>('GET', `${app(name)}/releases/${version}`),
  rollback: (name: string, version: number) => call<Release>('POST', `${app(name)}/rollbacks`, { version }),

  formation: (name: string) => call<FormationEntry[]>('GET', `${app(name)}/formation`),
  scale: (name: string, type: string, change: { quantity?: number; size?: ProcessSize }) =>
    call<FormationEntry[]>('PATCH', `${app(name)}/formation`, { updates: [{ type, ...change }] }),

  domains: (name: string) => call<Domain[]>('GET', `${app(name)}/domains`),
  addDomain: (name: string, hostname: string) => call<Domain>('POST', `${app(name)}/domains`, { hostname }),
  removeDomain: (name: string, hostname: string) => call<void>('DELETE', `${app(name)}/domains/${encodeURIComponent(hostname)}`),

  instances: (name: string) => call<Instance[]>('GET', `${app(name)}/instances`),
  restart: (name: string, type?: string) => call<unknown>('POST', `${app(name)}/instances/restart`, type ? { type } : {}),
  /** Server-sent events: recent lines, then live ones (EventSource, same origin). */
  logStreamUrl: (name: string, type?: string) => `/v1${app(name)}/logs?tail=true&lines=200${type ? `&type=${encodeURIComponent(type)}` : ''}`,
  /** The stream's opening status, to show the API's message when EventSource could not connect. */
  logProbe: (name: string) => call<unknown>('GET', `${app(name)}/logs?lines=0`),

  nodes: () => call<NodeInfo[]>('GET', '/nodes'),
  drainNode: (node: string) => call<unknown>('POST', `/nodes/${encodeURIComponent(node)}/drain`),

  appEvents: (name: string, cursor?: string) =>
    call<Page<AuditEvent>>('GET', `/events?app=${encodeURIComponent(name)}&limit=50${cursor ? `&cursor=${cursor}` : ''}`),
};
