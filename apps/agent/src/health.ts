import { connect } from 'node:net';
import { Agent, errors, request } from 'undici';
import { kindOf, type Healthcheck } from '@slipway/app-json';

export type Health = 'unknown' | 'healthy' | 'failed';

/** Why a check failed, in words (`GET /ready returned 503`); null when it passed. */
export type Failure = string | null;

/** Whether the instance's readiness checks pass; `reason` says which failed and how. */
export interface Readiness {
  ready: boolean;
  reason?: string;
}

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

/** One probe of a path, command or listening check: null when the instance answered as the check demands, else why not. */
export async function probe(check: Healthcheck, t: CheckTarget): Promise<Failure> {
  const timeoutMs = check.timeout * 1000;
  if (check.command !== undefined) {
    const cmd = typeof check.command === 'string' ? ['/bin/sh', '-c', check.command] : check.command;
    const code = await t.exec(cmd, timeoutMs).catch(() => undefined);
    if (code === 0) return null;
    const shown = cmd.join(' ');
    return code === null ? `${shown} did not finish within ${check.timeout} s` : code === undefined ? `${shown} could not run` : `${shown} exited ${code}`;
  }
  const at = endpoint(check, t);
  if (at === null) return `no port ${check.port ?? '$PORT'} to reach`;
  if (check.path === undefined) {
    return new Promise((resolve) => {
      const sock = connect({ host: at.address, port: at.port, timeout: timeoutMs });
      const done = (f: Failure) => { sock.destroy(); resolve(f); };
      sock.once('connect', () => done(null));
      sock.once('error', (err: NodeJS.ErrnoException) => done(`nothing accepts TCP on port ${check.port ?? '$PORT'} (${err.code ?? err.message})`));
      sock.once('timeout', () => done(`TCP connect to port ${check.port ?? '$PORT'} timed out after ${check.timeout} s`));
    });
  }
  const what = `GET ${check.path}`;
  try {
    const res = await request(`${check.scheme}://${at.address}:${at.port}${check.path}`, {
      headersTimeout: timeoutMs, bodyTimeout: timeoutMs, headers: { 'user-agent': 'slipway-healthcheck' },
      ...(check.scheme === 'https' ? { dispatcher: insecure } : {}),
    });
    const body = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 400) return `${what} returned ${res.statusCode}`;
    return check.content === undefined || body.includes(check.content) ? null : `${what} answered without ${JSON.stringify(check.content)}`;
  } catch (err) {
    if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) return `${what} timed out after ${check.timeout} s`;
    const code = (err as NodeJS.ErrnoException).code;
    return `${what} failed (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/**
 * Dokku's sequence for one check: wait `initialDelay`, then up to `attempts` probes `wait` seconds
 * apart; an `uptime` check instead passes when the container is still up `uptime` seconds later
 * (no retries). Stops early (as failed) when the container exits or `cancelled()` turns true.
 * Null when it passed, else why the last attempt failed.
 */
export async function runCheck(check: Healthcheck, t: CheckTarget, cancelled: () => boolean): Promise<Failure> {
  const stopped = async (): Promise<Failure> => (cancelled() ? 'cancelled' : (await t.stillRunning()) ? null : 'the container stopped');
  await sleep(check.initialDelay * 1000);
  if (kindOf(check) === 'uptime') {
    const until = Date.now() + check.uptime! * 1000;
    while (Date.now() < until) {
      const f = await stopped();
      if (f !== null) return f;
      await sleep(Math.min(500, until - Date.now()));
    }
    return (await t.stillRunning()) ? null : `did not stay up ${check.uptime} s`;
  }
  let last: Failure = 'not checked';
  for (let n = 0; n < check.attempts; n++) {
    const f = await stopped();
    if (f !== null) return f;
    last = await probe(check, t);
    if (last === null) return null;
    if (n + 1 < check.attempts) await sleep(check.wait * 1000);
  }
  return last;
}

/**
 * What decides that a new instance may get traffic: every startup check and, when
 * `withReadiness`, a first pass of every readiness check, side by side. Healthy when all pass,
 * except those marked `warn`, whose failure is only reported. Liveness checks run afterwards
 * (watchLiveness), readiness checks again and again (watchReadiness).
 */
export async function runStartupChecks(
  checks: Healthcheck[],
  t: CheckTarget,
  cancelled: () => boolean,
  onFailed: (check: Healthcheck, reason: string) => void,
  withReadiness = true,
): Promise<Exclude<Health, 'unknown'>> {
  const gate = checks.filter((c) => c.type === 'startup' || (withReadiness && c.type === 'readiness'));
  const results = await Promise.all(gate.map(async (c) => {
    const f = await runCheck(c, t, cancelled);
    if (f !== null) onFailed(c, f);
    return f === null || c.warn;
  }));
  return results.every(Boolean) && !cancelled() && (await t.stillRunning()) ? 'healthy' : 'failed';
}

/**
 * Runs each check of `checks` again and again (its attempts, then `wait` seconds, at least one,
 * of rest) while the container runs and `cancelled()` is false, reporting every round's outcome.
 * `onRound` returning true ends that check's watch. Resolves when every watch has ended.
 */
async function keepChecking(checks: Healthcheck[], t: CheckTarget, cancelled: () => boolean, onRound: (c: Healthcheck, f: Failure) => boolean): Promise<void> {
  const watch = async (c: Healthcheck): Promise<void> => {
    for (let round = 0; ; round++) {
      if (cancelled() || !(await t.stillRunning())) return;
      const f = await runCheck(round === 0 ? c : { ...c, initialDelay: 0 }, t, cancelled);
      if (cancelled() || !(await t.stillRunning())) return;
      if (onRound(c, f)) return;
      await sleep(Math.max(1, c.wait) * 1000);
    }
  };
  await Promise.all(checks.map(watch));
}

/**
 * After the instance went healthy: liveness checks keep running while the container runs.
 * The first one that fails all its attempts (unless it only warns) resolves with that check and
 * why, so the instance can be reported failed and restarted with the platform's crash back-off;
 * null when the container stopped first.
 */
export async function watchLiveness(
  checks: Healthcheck[],
  t: CheckTarget,
  cancelled: () => boolean,
  onWarn: (check: Healthcheck, reason: string) => void,
): Promise<{ check: Healthcheck; reason: string } | null> {
  let dead: { check: Healthcheck; reason: string } | null = null;
  await keepChecking(checks.filter((c) => c.type === 'liveness'), t, () => dead !== null || cancelled(), (c, f) => {
    if (f === null) return false;
    if (c.warn) {
      onWarn(c, f);
      return false;
    }
    dead ??= { check: c, reason: f };
    return true;
  });
  return dead;
}

/**
 * After the instance went healthy: readiness checks keep running while the container runs. The
 * instance is ready while every one (but those that only warn) passes; a check that fails all its
 * attempts takes it out until a probe passes again. `onChange` hears each change (the first
 * round's outcome included); `reason` names the first failing check and how it failed.
 */
export async function watchReadiness(
  checks: Healthcheck[],
  t: CheckTarget,
  cancelled: () => boolean,
  onChange: (r: Readiness) => void,
  onWarn: (check: Healthcheck, reason: string) => void,
): Promise<void> {
  const ready = checks.filter((c) => c.type === 'readiness');
  const failing = new Map<string, string>();
  const seen = new Set<string>();
  let last: Readiness | null = null;
  await keepChecking(ready, t, cancelled, (c, f) => {
    seen.add(c.name);
    if (f !== null && c.warn) onWarn(c, f);
    if (f === null || c.warn) failing.delete(c.name);
    else failing.set(c.name, f);
    // Not before each check has had its first round: a partial answer would flap.
    if (seen.size < ready.length) return false;
    const reason = ready.map((r) => failing.get(r.name)).find((x) => x !== undefined);
    const now: Readiness = reason === undefined ? { ready: true } : { ready: false, reason };
    if (last === null || last.ready !== now.ready || last.reason !== now.reason) onChange((last = now));
    return false;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
