import type { AuditEvent } from '@slipway/api-types';

type Data = Record<string, unknown>;

const keys = (v: unknown): string[] => (Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : []);

function scaleText(updates: unknown): string {
  if (!Array.isArray(updates)) return '';
  return updates
    .map((u: { type?: string; quantity?: number; size?: string }) => [u.type, u.quantity === undefined ? null : `× ${u.quantity}`, u.size].filter((p) => p != null).join(' '))
    .join(', ');
}

/** Readable sentences for the audit actions the API records; unknown actions show their code. */
const sentences: Record<string, (e: AuditEvent, data: Data) => string> = {
  'app.create': () => 'created the app',
  'app.rename': (_e, d) => `renamed the app from ${String(d.from ?? '?')}`,
  'app.destroy': () => 'destroyed the app',
  'config.update': (_e, d) => `changed config vars: ${[...keys(d.set).map((k) => `set ${k}`), ...keys(d.unset).map((k) => `unset ${k}`)].join(', ')}`,
  'release.rollback': (e, d) => `rolled back to v${String(d.to)}, creating ${e.target ?? 'a new release'}`,
  'formation.update': (e) => `scaled processes: ${scaleText(e.data)}`,
  'domain.add': (e) => `added the domain ${e.target ?? ''}`,
  'domain.remove': (e) => `removed the domain ${e.target ?? ''}`,
  'token.create': () => 'created an API token',
  'token.revoke': () => 'revoked an API token',
  login: () => 'logged in',
  'login.failed': () => 'failed to log in',
};

export function describeEvent(e: AuditEvent): string {
  const data = e.data && typeof e.data === 'object' && !Array.isArray(e.data) ? (e.data as Data) : {};
  return sentences[e.action]?.(e, data) ?? e.action;
}
