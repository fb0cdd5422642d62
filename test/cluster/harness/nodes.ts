import { existsSync } from 'node:fs';
import { readFile, readdir, rm, mkdir } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import Docker from 'dockerode';
import { run, waitFor } from './exec.ts';

/**
 * Worker nodes on one machine (DESIGN.md recipe): each its own network namespace on
 * bridge slw0 (10.231.0.0/24) with its own dockerd. Everything is torn down by `destroy`.
 */
export const BRIDGE = 'slw0';
export const BRIDGE_ADDR = '10.231.0.1';

export class TestNode {
  readonly netns: string;
  readonly address: string;
  readonly root: string;
  readonly socket: string;
  docker: Docker;
  private dockerd: ChildProcess | null = null;

  constructor(readonly name: string, readonly index: number) {
    this.netns = `slw-${name}`;
    this.address = `10.231.0.${10 + index}`;
    this.root = `/run/slw/${name}`;
    this.socket = `${this.root}/docker.sock`;
    this.docker = new Docker({ socketPath: this.socket });
  }

  get cgroup(): string {
    return `slw-${this.name}`;
  }

  async create(): Promise<void> {
    const veth = `slwv${this.index}`;
    await run('ip', ['netns', 'add', this.netns]);
    await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`]);
    await run('ip', ['link', 'set', `${veth}p`, 'netns', this.netns]);
    await run('ip', ['link', 'set', veth, 'master', BRIDGE, 'up']);
    const inNs = (...args: string[]) => run('ip', ['-n', this.netns, ...args]);
    await inNs('link', 'set', `${veth}p`, 'name', 'eth0');
    await inNs('addr', 'add', `${this.address}/24`, 'dev', 'eth0');
    await inNs('link', 'set', 'eth0', 'up');
    await inNs('link', 'set', 'lo', 'up');
    await inNs('route', 'add', 'default', 'via', BRIDGE_ADDR);
    await this.startEngine();
  }

  async startEngine(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await rm(`${this.root}/docker.pid`, { force: true });
    this.dockerd = spawn('nsenter', [
      `--net=/var/run/netns/${this.netns}`, 'dockerd', '--data-root', `/var/lib/slw/${this.name}`, '--exec-root', `${this.root}/exec`,
      '--pidfile', `${this.root}/docker.pid`, '-H', `unix://${this.socket}`, '--bip', `10.231.${100 + this.index}.1/24`, '--cgroup-parent', this.cgroup,
    ], { stdio: 'ignore' });
    this.docker = new Docker({ socketPath: this.socket });
    await waitFor(`dockerd of ${this.name}`, () => this.docker.ping().then(() => true), 60_000);
  }

  /** Spawns a process inside the node's network namespace. */
  spawnInside(cmd: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    return spawn('nsenter', [`--net=/var/run/netns/${this.netns}`, cmd, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  }

  /** SIGKILL everything of the node: engine, containerd, shims, proxies, agent and its containers. */
  async kill(): Promise<void> {
    const pids = (await run('ip', ['netns', 'pids', this.netns], true)).split('\n').filter(Boolean);
    const cg = `/sys/fs/cgroup/pids/${this.cgroup}`;
    if (existsSync(cg)) {
      for (const d of await readdir(cg, { withFileTypes: true })) {
        if (d.isDirectory()) pids.push(...(await readFile(`${cg}/${d.name}/cgroup.procs`, 'utf8').catch(() => '')).split('\n').filter(Boolean));
      }
    }
    for (const pid of new Set(pids)) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* already gone */ }
    }
    this.dockerd = null;
  }

  async destroy(): Promise<void> {
    await this.kill();
    await run('ip', ['netns', 'del', this.netns], true);
    await run('ip', ['link', 'del', `slwv${this.index}`], true);
    // dockerd's mounts live in the root mount namespace and outlive a SIGKILL.
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '');
    const mine = (m: string) => [`/var/lib/slw/${this.name}`, this.root].some((p) => m === p || m.startsWith(`${p}/`));
    for (const m of mounts.filter(mine).reverse()) await run('umount', ['-l', m], true);
    await rm(this.root, { recursive: true, force: true });
    await rm(`/var/lib/slw/${this.name}`, { recursive: true, force: true }).catch(() => {});
  }
}

export async function createBridge(): Promise<void> {
  await run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `${BRIDGE_ADDR}/24`, 'dev', BRIDGE]);
  await run('ip', ['link', 'set', BRIDGE, 'up']);
}

export async function deleteBridge(): Promise<void> {
  await run('ip', ['link', 'del', BRIDGE], true);
}
