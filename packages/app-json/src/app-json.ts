import { z } from 'zod';
import { formation } from './formation.ts';
import { healthchecks } from './healthcheck.ts';
import { cronJobs } from './cron.ts';

/**
 * Heroku's app.json (https://devcenter.heroku.com/articles/app-json-schema) with Dokku's
 * additions. Fields Slipway does not act on yet are checked only for their outer shape and
 * kept, so a later feature can tighten them here; unknown top-level keys are accepted and ignored.
 */
const loose = z.record(z.string(), z.unknown());
/** A shell command run in a one-off container of the release. */
const deployTask = z.string().trim().min(1, 'must not be empty').max(4000);

export const appJsonSchema = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  keywords: z.array(z.string()).optional(),
  website: z.string().optional(),
  repository: z.string().optional(),
  logo: z.string().optional(),
  success_url: z.string().optional(),
  stack: z.string().optional(),
  image: z.string().optional(),
  env: z.record(z.string(), z.union([z.string(), loose])).optional(),
  formation: formation.optional(),
  addons: z.array(z.union([z.string(), loose])).optional(),
  buildpacks: z.array(loose).optional(),
  environments: loose.optional(),
  /**
   * Dokku's deployment tasks (`scripts.dokku.predeploy` before the release command, `postdeploy` after the
   * rollout). Heroku's `postdeploy` (review apps) and `pr-predestroy` are accepted and not run yet.
   */
  scripts: z.looseObject({
    dokku: z.looseObject({ predeploy: deployTask.optional(), postdeploy: deployTask.optional() }).optional(),
    postdeploy: z.union([z.string(), loose]).optional(),
  }).optional(),
  cron: cronJobs.optional(),
  healthchecks: healthchecks.optional(),
});

export type AppJson = z.output<typeof appJsonSchema>;

/** A file that is not valid JSON or not a valid app.json; the message names the field. */
export class AppJsonError extends Error {}

/** Parses app.json text; throws AppJsonError with one line per problem, e.g. `app.json: healthchecks.web[0].attempts must be a positive integer`. */
export function parseAppJson(text: string): AppJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppJsonError(`app.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const r = appJsonSchema.safeParse(raw);
  if (!r.success) throw new AppJsonError(r.error.issues.map((i) => `app.json: ${describeIssue(i)}`).join('\n'));
  return r.data;
}

/** `healthchecks.web[0].attempts must be a positive integer` from a zod issue; `root` names where the checked value sits. */
export function describeIssue(issue: z.core.$ZodIssue, root: (string | number)[] = []): string {
  const at = [...root, ...issue.path].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  return `${at || 'the file'} ${explain(issue)}`;
}

function explain(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith('must ')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'must be an integer' : `must be ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'number') return Number(issue.minimum) === 0 && !issue.inclusive ? 'must be a positive number' : `must be at least ${issue.minimum}`;
      return issue.origin === 'array' ? `must have at least ${issue.minimum} item(s)` : `must be at least ${issue.minimum} characters long`;
    case 'too_big':
      return issue.origin === 'array' ? `must have at most ${issue.maximum} items` : issue.origin === 'string' ? `must be at most ${issue.maximum} characters long` : `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_key':
      // A record's key (a process type) that does not validate: the key's own problem, e.g. `formation.release must not be "release"…`.
      return issue.issues[0] ? explain(issue.issues[0]) : 'is not a valid name';
    case 'unrecognized_keys':
      return `has unknown field(s) ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
