import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
import { ROOT } from './platform.ts';

export interface Result {
  code: number;
  out: string;
}

/**
 * A new user's shell: the `slipway` CLI with its own config dir and stock `git`, each
 * bounded in time. Every command and its output is kept for the README walkthrough.
 */
export class User {
  readonly transcript: { cmd: string; out: string }[] = [];

  constructor(private readonly configDir: string, readonly cwd: string) {}

  env(): NodeJS.ProcessEnv {
    return { ...process.env, SLIPWAY_CONFIG_DIR: this.configDir, GIT_TERMINAL_PROMPT: '0', NO_COLOR: '1' };
  }

  exec(cmd: string, args: string[], opts: { timeoutMs?: number; cwd?: string; shown?: string } = {}): Promise<Result> {
    return new Promise((resolve) => {
      const child = spawn(cmd, args, { cwd: opts.cwd ?? this.cwd, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.transcript.push({ cmd: opts.shown ?? (cmd === process.execPath ? ['slipway', ...args.slice(1)] : [cmd, ...args]).join(' '), out });
        resolve({ code: code ?? (signal ? 128 : 1), out });
      });
    });
  }

  slipway(args: string[], timeoutMs = 60_000, shown?: string): Promise<Result> {
    return this.exec(process.execPath, [join(ROOT, 'apps/cli/bin/slipway.js'), ...args], { timeoutMs, shown: shown && `slipway ${shown}` });
  }

  /** Like `slipway` but throws with the output when the command fails. */
  async ok(args: string[], timeoutMs = 60_000, shown?: string): Promise<string> {
    const r = await this.slipway(args, timeoutMs, shown);
    if (r.code !== 0) throw new Error(`slipway ${shown ?? args.join(' ')} exited ${r.code}:\n${r.out}`);
    return r.out;
  }

  async git(args: string[], timeoutMs = 60_000): Promise<Result> {
    return this.exec('git', args, { timeoutMs });
  }

  async gitOk(...args: string[]): Promise<string> {
    const r = await this.git(args);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}:\n${r.out}`);
    return r.out;
  }
}

/** HTTP through the edge router, addressed by Host header like a browser would after DNS. */
export async function viaRouter(routerPort: number, app: string, path = '/', init: { method?: 'GET' | 'POST'; body?: string } = {}) {
  const res = await request(`http://127.0.0.1:${routerPort}${path}`, {
    method: init.method ?? 'GET', body: init.body,
    headers: { host: `${app}.slipway.localhost`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    headersTimeout: 10_000, bodyTimeout: 10_000,
  });
  return { status: res.statusCode, body: await res.body.text() };
}
