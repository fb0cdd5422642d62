import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../cluster/harness/exec.ts';

/** The platform's processes as scripts/up.sh runs them: children of its supervisor (and the router's workers, children of the router). */

async function children(parent: number): Promise<{ pid: number; args: string }[]> {
  const out = await run('ps', ['-o', 'pid=,args=', '--ppid', String(parent)], true);
  return out.split('\n').filter((l) => l.trim()).map((l) => {
    const [pid, ...args] = l.trim().split(/\s+/);
    return { pid: Number(pid), args: args.join(' ') };
  });
}

/** The pid of one of the platform's processes (api, builder, scheduler, router) under this SLIPWAY_HOME's supervisor. */
export async function platformPid(home: string, name: string): Promise<number | null> {
  const supervisor = Number(await readFile(join(home, 'supervisor.pid'), 'utf8'));
  return (await children(supervisor)).find((c) => c.args.includes(`apps/${name}/src/main.ts`))?.pid ?? null;
}

/** The router's worker processes (cluster workers forked by its primary). */
export async function routerWorkerPids(home: string): Promise<number[]> {
  const primary = await platformPid(home, 'router');
  // Its other children (tsx's esbuild service) are not workers.
  return primary === null ? [] : (await children(primary)).filter((c) => c.args.includes('apps/router/src/main.ts')).map((c) => c.pid);
}

export function kill9(pid: number): void {
  process.kill(pid, 'SIGKILL');
}
