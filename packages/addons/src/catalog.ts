import { badRequest } from '@slipway/core';
import type { Db } from '@slipway/db';
import type { ServiceName } from './provider.ts';

export interface Plan {
  /** AddonPlan.id, e.g. `postgres:shared`. */
  id: string;
  service: ServiceName;
  name: string;
  description: string;
  /** What one add-on of the plan may use on the shared server (enforced by the broker and the server). */
  limits: PlanLimits;
}

export interface PlanLimits {
  /** Redis: the add-on's keys may hold this much; above it writes are refused until it frees space. */
  memoryBytes?: number;
  /** Postgres: at most this many open connections for the add-on's role (the server allows 100 in all). */
  connections?: number;
}

const MB = 1024 * 1024;

/** The catalog (OSB `GET /v2/catalog`): services and their plans. */
export const catalog: readonly Plan[] = [
  {
    id: 'postgres:shared', service: 'postgres', name: 'shared',
    description: 'PostgreSQL 15: a private database and login role on the managed cluster, up to 20 connections',
    limits: { connections: 20 },
  },
  {
    id: 'redis:shared', service: 'redis', name: 'shared',
    description: 'Redis 7: a private ACL user limited to its own key prefix on the managed server, up to 25 MB',
    limits: { memoryBytes: 25 * MB },
  },
];

export const defaultPlan: Record<ServiceName, string> = { postgres: 'shared', redis: 'shared' };

const serviceAliases: Record<string, ServiceName> = { postgres: 'postgres', postgresql: 'postgres', pg: 'postgres', redis: 'redis' };

/** Parses the CLI's `SERVICE[:PLAN]` (e.g. `postgres`, `redis:shared`). */
export function findPlan(spec: string): Plan {
  const [rawService = '', rawPlan] = spec.trim().toLowerCase().split(':');
  const service = serviceAliases[rawService];
  if (!service) throw badRequest(`Unknown add-on service '${rawService}'; available: ${[...new Set(catalog.map((p) => p.service))].join(', ')}`);
  const planName = rawPlan || defaultPlan[service];
  const plan = catalog.find((p) => p.service === service && p.name === planName);
  if (!plan) {
    const names = catalog.filter((p) => p.service === service).map((p) => p.name);
    throw badRequest(`Unknown plan '${planName}' for ${service}; available: ${names.join(', ')}`);
  }
  return plan;
}

export function planById(id: string): Plan {
  const plan = catalog.find((p) => p.id === id);
  if (!plan) throw badRequest(`Unknown add-on plan '${id}'`);
  return plan;
}

/** Makes the AddonPlan rows match the catalog (Addon rows reference them). */
export async function syncCatalog(db: Db): Promise<void> {
  for (const { id, service, name, description } of catalog) {
    await db.addonPlan.upsert({ where: { id }, create: { id, service, name, description }, update: { service, name, description } });
  }
}
