import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { badRequest } from '@slipway/core';
import type { Credentials, ServiceName } from './provider.ts';

/**
 * Server-side names derive only from the add-on id, so a retry after a crash
 * finds exactly what the previous attempt made. `addon_<32 hex>` is a valid
 * unquoted Postgres identifier and Redis user name (under 63 bytes).
 */
export function resourceName(addonId: string): string {
  const hex = z.uuid().parse(addonId).replaceAll('-', '').toLowerCase();
  return `addon_${hex}`;
}

/** A strong random password that needs no escaping in a URL. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const words = ['amber', 'brisk', 'cedar', 'dusky', 'ember', 'frost', 'glade', 'hazel', 'ivory', 'jade', 'koi', 'lunar', 'maple', 'nimbus', 'onyx', 'pine'];

/** Heroku-style display name, e.g. `postgres-cedar-48213`. */
export function newAddonName(service: ServiceName): string {
  const bytes = randomBytes(4);
  return `${service}-${words[bytes[0]! % words.length]}-${bytes.readUInt16BE(1) % 90000 + 10000}`;
}

export const aliasSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,62}$/, 'An alias is upper case letters, digits and _, starting with a letter (e.g. DATABASE)')
  .refine((a) => !a.endsWith('_URL'), 'Give the alias without _URL: DATABASE sets DATABASE_URL');

export function parseAlias(alias: string): string {
  const parsed = aliasSchema.safeParse(alias.toUpperCase());
  if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message);
  return parsed.data;
}

/** The first add-on of a kind gets DATABASE / REDIS; later ones are named after themselves. */
export function defaultAlias(service: ServiceName, addonName: string, taken: ReadonlySet<string>): string {
  const first = service === 'postgres' ? 'DATABASE' : 'REDIS';
  return taken.has(first) ? addonName.toUpperCase().replaceAll('-', '_') : first;
}

/** The config vars one attachment contributes to an app. */
export function configVarsFor(alias: string, credentials: Pick<Credentials, 'url' | 'extra'>): Record<string, string> {
  const vars: Record<string, string> = { [`${alias}_URL`]: credentials.url };
  for (const [key, value] of Object.entries(credentials.extra)) vars[`${alias}_${key}`] = value;
  return vars;
}
