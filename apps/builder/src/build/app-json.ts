import { z } from 'zod';
import { RepoSource } from './repo-source.ts';

const appJson = z.object({ healthchecks: z.record(z.string(), z.array(z.record(z.string(), z.unknown())).min(1)).optional() });

/**
 * The `healthchecks` of the commit's app.json (Dokku's format), or undefined when the
 * commit has none. The agents validate each check against their own schema.
 */
export async function appJsonHealthchecks(repoDir: string, sha: string): Promise<Record<string, unknown[]> | undefined> {
  const text = await (await new RepoSource(repoDir, sha).facts()).read('app.json');
  if (text === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('app.json is not valid JSON');
  }
  const r = appJson.safeParse(parsed);
  if (!r.success) throw new Error(`app.json: healthchecks must map process types to lists of checks (${r.error.issues[0]?.message})`);
  return r.data.healthchecks;
}
