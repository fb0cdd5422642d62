import { connect } from 'node:net';
import { request } from 'undici';
import type { HealthcheckSpec } from './protocol.ts';

export type Health = 'unknown' | 'healthy' | 'failed';

/** One probe: true when the instance answered as the check demands. */
export async function probe(check: HealthcheckSpec, address: string, port: number | null, stillRunning: () => Promise<boolean>): Promise<boolean> {
  if (check.type === 'uptime') return stillRunning();
  if (port === null) return false;
  const timeoutMs = check.timeout * 1000;
  if (check.type === 'tcp') {
    return new Promise((resolve) => {
      const sock = connect({ host: address, port, timeout: timeoutMs });
      const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
      sock.once('connect', () => done(true));
      sock.once('error', () => done(false));
      sock.once('timeout', () => done(false));
    });
  }
  try {
    const res = await request(`http://${address}:${port}${check.path}`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, headers: { 'user-agent': 'slipway-healthcheck' } });
    const body = await res.body.text();
    return res.statusCode < 400 && (check.content === undefined || body.includes(check.content));
  } catch {
    return false;
  }
}

/**
 * Dokku's sequence: wait `initialDelay`, then up to `attempts` probes `wait` seconds apart.
 * Stops early (as failed) when the container exits or `cancelled()` turns true.
 */
export async function runCheck(
  check: HealthcheckSpec,
  address: string,
  port: number | null,
  stillRunning: () => Promise<boolean>,
  cancelled: () => boolean,
): Promise<Exclude<Health, 'unknown'>> {
  await sleep(check.initialDelay * 1000);
  for (let n = 0; n < check.attempts; n++) {
    if (cancelled() || !(await stillRunning())) return 'failed';
    if (check.type === 'uptime') await sleep(check.wait * 1000);
    if (await probe(check, address, port, stillRunning)) return 'healthy';
    if (check.type !== 'uptime') await sleep(check.wait * 1000);
  }
  return 'failed';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
