import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { kindOf, type Healthcheck } from '@slipway/app-json';

export type Health = 'unknown' | 'healthy' | 'failed';

/** How the checks reach one running instance. */
export interface CheckTarget {
  /** Where the instance's $PORT is published (node address, host port); null when it has none. */
  published: { address: string; port: number } | null;
  /** The container's own address, for checks that name another `port`. */
  containerAddress: string | null;
  stillRunning: () => Promise<boolean>;
  /** Runs a command inside the container; its exit code, or null when it did not finish in time. */
  exec: (cmd: string[], timeoutMs: number) => Promise<number | null>;
}

/** Dokku's checker does not verify the certificate of an app's own https endpoint either. */
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

function endpoint(check: Healthcheck, t: CheckTarget): { address: string; port: number } | null {
  if (check.port === undefined) return t.published;
  return t.containerAddress ? { address: t.containerAddress, port: check.port } : null;
}

/** One probe of a path, command or listening check: true when the instance answered as the check demands. */
export async function probe(check: Healthcheck, t: CheckTarget): Promise<boolean> {
  const timeoutMs = check.timeout * 1000;
  if (check.command !== undefined) {
    const cmd = typeof check.command === 'string' ? ['/bin/sh', '-c', check.command] : check.command;
    return (await t.exec(cmd, timeoutMs).catch(() => null)) === 0;
  }
  const at = endpoint(check, t);
  if (at === null) return false;
  if (check.path === undefined) {
    return new Promise((resolve) => {
      const sock = connect({ host: at.address, port: at.port, timeout: timeoutMs });
      const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
      sock.once('connect', () => done(true));
      sock.once('error', () => done(false));
      sock.once('timeout', () => done(false));
    });
  }
  try {
    const res = await request(`${check.scheme}://${at.address}:${at.port}${check.path}`, {
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs, headers: { 'user-agent': 'slipway-healthcheck' },
      ...(check.scheme === 'https' ? { dispatcher: insecure } : {}),
    });
    const body = await res.body.text();
    return res.statusCode >= 200 && res.statusCode < 400 && (check.content === undefined || body.includes(check.content));
  } catch {
    return false;
  }
}

/**
 * Dokku's sequence for one check: wait `initialDelay`, then up to `attempts` probes `wait` seconds
 * apart; an `uptime` check instead passes when the container is still up `uptime` seconds later
 * (no retries). Stops early (as failed) when the container exits or `cancelled()` turns true.
 */
export async function runCheck(check: Healthcheck, t: CheckTarget, cancelled: () => boolean): Promise<Exclude<Health, 'unknown'>> {
  await sleep(check.initialDelay * 1000);
  if (kindOf(check) === 'uptime') {
    const until = Date.now() + check.uptime! * 1000;
    while (Date.now() < until) {
      if (cancelled() || !(await t.stillRunning())) return 'failed';
      await sleep(Math.min(500, until - Date.now()));
    }
    return (await t.stillRunning()) ? 'healthy' : 'failed';
  }
  for (let n = 0; n < check.attempts; n++) {
    if (cancelled() || !(await t.stillRunning())) return 'failed';
    if (await probe(check, t)) return 'healthy';
    if (n + 1 < check.attempts) await sleep(check.wait * 1000);
  }
  return 'failed';
}

/**
 * Every startup check of the instance's type, side by side: healthy when all pass, except
 * those marked `warn`, whose failure is only reported. Liveness checks run afterwards
 * (watchLiveness); readiness checks are parsed and stored but not run yet.
 */
export async function runStartupChecks(
  checks: Healthcheck[],
  t: CheckTarget,
  cancelled: () => boolean,
  onFailed: (check: Healthcheck) => void,
): Promise<Exclude<Health, 'unknown'>> {
  const results = await Promise.all(checks.filter((c) => c.type === 'startup').map(async (c) => {
    const h = await runCheck(c, t, cancelled);
    if (h === 'failed') onFailed(c);
    return h === 'healthy' || c.warn;
  }));
  return results.every(Boolean) && !cancelled() && (await t.stillRunning()) ? 'healthy' : 'failed';
}

/**
 * After the startup checks passed: each liveness check runs again and again (its attempts, then
 * `wait` seconds, at least one, of rest) while the container runs. The first one that fails all
 * its attempts (unless it only warns) resolves with that check, so the instance can be reported
 * failed and restarted with the platform's crash back-off; null when the container stopped first.
 */
export async function watchLiveness(checks: Healthcheck[], t: CheckTarget, cancelled: () => boolean, onWarn: (check: Healthcheck) => void): Promise<Healthcheck | null> {
  const live = checks.filter((c) => c.type === 'liveness');
  if (live.length === 0) return null;
  let done = false;
  const watch = async (c: Healthcheck): Promise<Healthcheck | null> => {
    for (let round = 0; ; round++) {
      if (done || cancelled() || !(await t.stillRunning())) return null;
      const h = await runCheck(round === 0 ? c : { ...c, initialDelay: 0 }, t, () => done || cancelled());
      if (done || cancelled() || !(await t.stillRunning())) return null;
      if (h === 'failed' && !c.warn) return c;
      if (h === 'failed') onWarn(c);
      await sleep(Math.max(1, c.wait) * 1000);
    }
  };
  return new Promise((resolve) => {
    let left = live.length;
    for (const c of live) {
      void watch(c).then((failed) => {
        left--;
        if (failed !== null || left === 0) {
          done = true;
          resolve(failed);
        }
      });
    }
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
