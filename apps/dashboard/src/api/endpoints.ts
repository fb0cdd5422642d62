import { call } from './client.ts';
import type {
  Account, Addon, AddonPlan, ApiToken, AppInfo, AppListItem, AppMetrics, AppSummary, AuditEvent, Build, BuildDetail, ConfigVarsUpdate, ConfigVarsView, Domain,
  FormationEntry, HealthCheckInput, Instance, LoginResult, NewApiToken, Page, ProcessSize, Release, ReleaseDetail, Team, WorkerNode,
} from '@slipway/api-types';

const app = (name: string) => `/apps/${encodeURIComponent(name)}`;

/** Typed calls, one per endpoint the dashboard uses. */
export const api = {
  login: (email: string, password: string) => call<LoginResult>('POST', '/login', { email, password }),
  logout: () => call<void>('POST', '/logout'),
  account: () => call<Account>('GET', '/account'),

  teams: () => call<Page<Team>>('GET', '/teams?limit=200'),
  tokens: () => call<Page<ApiToken>>('GET', '/tokens?limit=200'),
  createToken: (description: string, scopes: string[]) => call<NewApiToken>('POST', '/tokens', { description, scopes }),
  revokeToken: (id: string) => call<void>('DELETE', `/tokens/${encodeURIComponent(id)}`),

  apps: (cursor?: string) => call<Page<AppListItem>>('GET', `/apps?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
  createApp: (name: string, team?: string) => call<AppSummary>('POST', '/apps', team ? { name, team } : { name }),
  app: (name: string) => call<AppInfo>('GET', app(name)),
  destroyApp: (name: string) => call<void>('DELETE', app(name)),
  /** `healthcheck: null` returns to the default checks. */
  updateApp: (name: string, change: { healthcheck?: Record<string, HealthCheckInput[]> | null; sessionAffinity?: boolean }) =>
    call<AppSummary>('PATCH', app(name), change),
  /** Server-sent events: `ready`, then `changed` whenever the app's state moves. */
  appEventsUrl: (name: string) => `/v1${app(name)}/events/stream`,
  metrics: (name: string) => call<AppMetrics>('GET', `${app(name)}/metrics`),

  builds: (name: string) => call<Page<Build>>('GET', `${app(name)}/builds?limit=20`),
  build: (name: string, id: string) => call<BuildDetail>('GET', `${app(name)}/builds/${encodeURIComponent(id)}`),
  /** Server-sent events: `data: {line}` then `event: end` with the outcome. */
  buildOutputUrl: (name: string, id: string) => `/v1${app(name)}/builds/${encodeURIComponent(id)}/output`,
  cancelBuild: (name: string, id: string) => call<unknown>('POST', `${app(name)}/builds/${encodeURIComponent(id)}/cancel`),

  addonPlans: () => call<AddonPlan[]>('GET', '/addon-services'),
  teamAddons: () => call<Addon[]>('GET', '/addons'),
  appAddons: (name: string) => call<Addon[]>('GET', `${app(name)}/addons`),
  createAddon: (name: string, plan: string, as?: string) => call<Addon>('POST', `${app(name)}/addons`, as ? { plan, as } : { plan }),
  destroyAddon: (addon: string) => call<Addon>('DELETE', `/addons/${encodeURIComponent(addon)}`),
  attachAddon: (name: string, addon: string, as?: string) => call<unknown>('POST', `${app(name)}/attachments`, as ? { addon, as } : { addon }),
  detachAddon: (name: string, addon: string) => call<unknown>('DELETE', `${app(name)}/attachments/${encodeURIComponent(addon)}`),

  /** Values are null when the caller may see names only (AppAccess.secretsHidden). */
  configVars: (name: string) => call<ConfigVarsView>('GET', `${app(name)}/config-vars`),
  /** `null` unsets a key; all changes land in one release. */
  updateConfigVars: (name: string, changes: Record<string, string | null>) =>
    call<ConfigVarsUpdate>('PATCH', `${app(name)}/config-vars`, changes),

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
  stopInstance: (name: string, instance: string) => call<unknown>('POST', `${app(name)}/instances/${encodeURIComponent(instance)}/stop`),
  /** Server-sent events: recent lines, then live ones (EventSource, same origin). */
  logStreamUrl: (name: string, type?: string) => `/v1${app(name)}/logs?tail=true&lines=200${type ? `&type=${encodeURIComponent(type)}` : ''}`,
  /** The stream's opening status, to show the API's message when EventSource could not connect. */
  logProbe: (name: string) => call<unknown>('GET', `${app(name)}/logs?lines=0`),

  nodes: () => call<WorkerNode[]>('GET', '/nodes'),
  drainNode: (node: string) => call<unknown>('POST', `/nodes/${encodeURIComponent(node)}/drain`),

  appEvents: (name: string, cursor?: string) =>
    call<Page<AuditEvent>>('GET', `/events?app=${encodeURIComponent(name)}&limit=50${cursor ? `&cursor=${cursor}` : ''}`),
};
