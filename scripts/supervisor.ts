// One-machine install: runs every Slipway process as a child, restarts a child that
// exits (with back-off), writes each one's log to $SLIPWAY_HOME/logs/<name>.log and
// stops them all on SIGTERM/SIGINT. A cluster runs the same apps one per machine instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const home = process.env.SLIPWAY_HOME ?? join(root, '.data');
const logs = join(home, 'logs');
mkdirSync(logs, { recursive: true });

interface Child {
  name: string;
  entry: string;
  proc?: ChildProcess;
  restarts: number;
  startedAt: number;
}

const wanted = (process.env.SLIPWAY_PROCESSES ?? 'api,builder,scheduler,agent,router').split(',').map((s) => s.trim());
const children: Child[] = wanted.map((name) => ({ name, entry: join(root, 'apps', name, 'src/main.ts'), restarts: 0, startedAt: 0 }));
let stopping = false;

function start(child: Child): void {
  const log = createWriteStream(join(logs, `${child.name}.log`), { flags: 'a' });
  child.startedAt = Date.now();
  child.proc = spawn(process.execPath, ['--import', 'tsx', child.entry], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.proc.stdout!.pipe(log);
  child.proc.stderr!.pipe(log);
  if (child.name === 'api') child.proc.stdout!.on('data', (d: Buffer) => process.stdout.write(d.toString().split('\n').filter((l) => !l.startsWith('{')).join('\n')));
  child.proc.on('exit', (code, signal) => {
    if (stopping) return;
    // A child that ran for a minute is considered healthy again: back-off resets.
    if (Date.now() - child.startedAt > 60_000) child.restarts = 0;
    const delay = Math.min(30_000, 500 * 2 ** child.restarts++);
    process.stderr.write(`supervisor: ${child.name} exited (${signal ?? code}); restarting in ${delay} ms (log: ${join(logs, `${child.name}.log`)})\n`);
    setTimeout(() => !stopping && start(child), delay).unref();
  });
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.proc?.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const c of children) c.proc?.kill('SIGKILL');
    process.exit(0);
  }, 15_000);
  force.unref();
  Promise.all(children.map((c) => (c.proc && c.proc.exitCode === null ? new Promise((r) => c.proc!.once('exit', r)) : null))).then(() => {
    rmSync(join(home, 'supervisor.pid'), { force: true });
    process.exit(0);
  });
}

writeFileSync(join(home, 'supervisor.pid'), String(process.pid));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
for (const c of children) start(c);
