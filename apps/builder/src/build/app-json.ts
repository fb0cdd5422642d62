import { defaultChecks, describeCheck, parseAppJson, type AppJson, type CronJob, type Healthchecks } from '@slipway/app-json';
import { ONE_OFF_TYPES } from '@slipway/core';
import { RepoSource } from './repo-source.ts';

/**
 * The commit's app.json, validated by app.json's one schema, or undefined when the commit has
 * none. A file that is not JSON or not a valid app.json throws, naming the field.
 */
export async function readAppJson(repoDir: string, sha: string): Promise<AppJson | undefined> {
  const text = await (await new RepoSource(repoDir, sha).facts()).read('app.json');
  return text === null ? undefined : parseAppJson(text);
}

/** What the release's instances will be checked with, one line per check, in words (one-offs such as `release` are not checked). */
export function describeChecks(checks: Healthchecks | undefined, processTypes: string[]): string[] {
  const lines: string[] = [];
  for (const type of new Set([...processTypes, ...Object.keys(checks ?? {})])) {
    if (ONE_OFF_TYPES.includes(type)) continue;
    const own = checks?.[type] ?? [];
    if (!own.some((c) => c.type === 'startup')) lines.push(`${describeCheck(type, defaultChecks(type)[0]!)} (default)`);
    for (const c of own) {
      if (c.type === 'startup') lines.push(describeCheck(type, c));
      else if (c.type === 'liveness') lines.push(`${describeCheck(type, c)}; keeps running, a failure restarts the instance`);
      else lines.push(`${describeCheck(type, c)}; keeps running, a failure takes the instance out of the router until it passes`);
    }
  }
  return lines;
}

export interface DeployTasks {
  predeployCommand: string | null;
  postdeployCommand: string | null;
  /** Null when app.json has no `cron`. */
  cron: CronJob[] | null;
}

/** Dokku's deployment tasks and cron jobs from app.json; Heroku's `scripts.postdeploy` (review apps) is not run. */
export function deployTasks(appJson: AppJson | undefined): DeployTasks {
  const dokku = appJson?.scripts?.dokku;
  const cron = appJson?.cron?.map((j) => ({ command: j.command, schedule: j.schedule.trim() }));
  return { predeployCommand: dokku?.predeploy ?? null, postdeployCommand: dokku?.postdeploy ?? null, cron: cron?.length ? cron : null };
}
