import { z } from 'zod';
import { processType } from '@slipway/core';

/** Our own wording where zod's cannot tell integers from numbers. */
const positiveInt = (max: number) => z.int().positive('must be a positive integer').max(max);

/**
 * One check of Dokku's `healthchecks.<process type>[]`, with Dokku's documented defaults
 * (https://dokku.com/docs/deployment/zero-downtime-deploys/) and the `listening` and `scheme`
 * fields its docker-container-healthchecker also reads. Exactly one kind: `path`, `command`,
 * `uptime` or `listening`.
 */
const fields = z.strictObject({
  type: z.enum(['startup', 'liveness', 'readiness']).default('startup'),
  name: z.string().min(1).max(100).optional(),
  description: z.string().max(500).optional(),
  /** HTTP GET of this path; success is a status of 200–399 (and `content` in the body when given). */
  path: z.string().startsWith('/', 'must start with /').max(2000).optional(),
  scheme: z.enum(['http', 'https']).default('http'),
  /** Port inside the container; the container's $PORT when missing. */
  port: z.int().min(1).max(65535).optional(),
  content: z.string().min(1).max(1000).optional(),
  /** Run inside the container; success is exit 0. A string runs with /bin/sh -c. */
  command: z.union([z.string().min(1).max(4000), z.array(z.string().max(4000)).min(1).max(100)]).optional(),
  /** Seconds the container must stay up without a restart. */
  uptime: positiveInt(3600).optional(),
  /** The container accepts TCP connections on the port. */
  listening: z.literal(true).optional(),
  attempts: positiveInt(100).default(3),
  timeout: z.number().positive().max(300).default(5),
  wait: z.number().min(0).max(300).default(5),
  initialDelay: z.number().min(0).max(600).default(0),
  /** A failing check only logs a warning. */
  warn: z.boolean().default(false),
});

const KINDS = ['path', 'command', 'uptime', 'listening'] as const;

function oneKind(c: z.output<typeof fields>, ctx: z.RefinementCtx): void {
  const kinds = KINDS.filter((k) => c[k] !== undefined);
  if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: kinds.length ? `must have only one of path, command, uptime, listening (has ${kinds.join(', ')})` : 'must have one of path, command, uptime or listening' });
  if (c.content !== undefined && c.path === undefined) ctx.addIssue({ code: 'custom', path: ['content'], message: 'needs a path' });
}

const check = fields.superRefine(oneKind);
/** A check as stored and sent to the agents: validated, defaults filled in, named. */
export const healthcheck = fields.extend({ name: z.string().min(1).max(100) }).superRefine(oneKind);

/** Process type → checks; names are filled in where missing so every check can be named in messages. */
export const healthchecks = z.record(processType, z.array(check).min(1).max(10)).transform((all) =>
  Object.fromEntries(Object.entries(all).map(([type, list]) => [type, list.map((c, i) => ({ ...c, name: c.name ?? `${type}-${c.type}-${i + 1}` }))])),
);

export type HealthcheckInput = z.input<typeof check>;
export type Healthcheck = z.output<typeof healthcheck>;
export type Healthchecks = Record<string, Healthcheck[]>;
export type CheckKind = (typeof KINDS)[number];

export const kindOf = (c: Healthcheck): CheckKind => KINDS.find((k) => c[k] !== undefined) ?? 'listening';

/**
 * The checks when neither the app nor its release has any for a type: web must accept TCP
 * on $PORT, other types must stay up for a short while (stricter and faster than Dokku's 10 s).
 */
export function defaultChecks(type: string): Healthcheck[] {
  const base = { type: 'startup', scheme: 'http', timeout: 5, initialDelay: 0, warn: false } as const;
  return type === 'web'
    ? [{ ...base, name: 'web-default', listening: true, attempts: 5, wait: 1 }]
    : [{ ...base, name: `${type}-default`, uptime: 2, attempts: 1, wait: 0 }];
}
