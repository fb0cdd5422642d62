import { mkdir, readdir, readFile, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import { z } from 'zod';

/** Defaults for the builder's BUILD_MEMORY_MB, BUILD_CPUS and BUILD_PIDS_LIMIT. */
export const DEFAULT_BUILD_LIMITS = { memoryMb: 2048, cpus: 1, pidsMax: 1024 } as const;

export interface BuildLimits {
  /** Memory of each build step container, swap included (no swap). */
  memoryMb: number;
  /** CPUs each build step container may use (a CFS quota, so fractions work). */
  cpus: number;
  /** Caps the processes of a whole build; null when this machine cannot (builds then run without a pids cap). */
  pids: BuildPidsCap | null;
}

const CPU_PERIOD_US = 100_000;
const CGROUP_ROOT = '/sys/fs/cgroup';
const PARENT = 'slipway-builds';
const RETRY_REMOVAL_MS = [1_000, 5_000, 30_000];

/** The classic builder's own limit parameters: every RUN step container gets them. */
export function buildApiLimits(limits: BuildLimits): { memory: number; memswap: number; cpuperiod: number; cpuquota: number } {
  const memory = limits.memoryMb * 1024 * 1024;
  return { memory, memswap: memory, cpuperiod: CPU_PERIOD_US, cpuquota: Math.round(limits.cpus * CPU_PERIOD_US) };
}

/**
 * The classic builder reports a step that was SIGKILLed (the kernel's OOM killer,
 * at the memory limit) only as exit code 137; say what that most likely means.
 */
export function explainStepFailure(message: string, memoryMb: number): string {
  if (!/returned a non-zero code: 137$/.test(message)) return message;
  return `Build step was killed (exit code 137), most likely because it ran out of memory (limit ${memoryMb} MB, BUILD_MEMORY_MB). ${message}`;
}

const engineInfo = z.object({ CgroupDriver: z.string().optional(), CgroupVersion: z.string().optional() });

/**
 * The build API has no pids limit, but it has `cgroupparent`: each build's step
 * containers are created under /slipway-builds/<build id>, a cgroup made here with
 * pids.max set, which the kernel enforces on everything below it. That needs the
 * engine's cgroupfs driver and a builder running as root on the engine's machine.
 */
export class BuildPidsCap {
  private constructor(
    readonly max: number,
    private readonly root: string,
    private readonly version: 1 | 2,
  ) {}

  /** Checks the engine and this machine and makes the parent cgroup; null, after one warning, when it cannot. */
  static async prepare(docker: Docker, max: number, warn: (message: string) => void, root = CGROUP_ROOT): Promise<BuildPidsCap | null> {
    try {
      if (process.getuid?.() !== 0) throw new Error('the builder does not run as root');
      // docker-modem resolves DOCKER_HOST or the default socket; a TCP or SSH engine has none.
      const socketPath = await (docker.modem as { getSocketPath?: () => Promise<unknown> }).getSocketPath?.();
      if (typeof socketPath !== 'string' || !(await stat(socketPath).catch(() => null))) throw new Error('the Docker engine is not on this machine (no local socket)');
      const info = engineInfo.parse(await docker.info());
      if (info.CgroupDriver !== 'cgroupfs') throw new Error(`the engine uses the ${info.CgroupDriver ?? 'unknown'} cgroup driver, not cgroupfs`);
      const version = info.CgroupVersion === '2' ? 2 : info.CgroupVersion === '1' ? 1 : null;
      if (!version) throw new Error(`unknown cgroup version ${info.CgroupVersion ?? '(not reported)'}`);
      const cap = new BuildPidsCap(max, root, version);
      await cap.makeParent();
      return cap;
    } catch (err) {
      warn(`Builds run without a process (pids) limit: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  /** Makes the build's own cgroup with its pids.max; returns the `cgroupparent` for the build API. */
  async enter(buildId: string): Promise<string> {
    if (!/^[\w-]+$/.test(buildId)) throw new Error(`Not a build id: ${buildId}`);
    const dir = join(this.pidsHierarchy(), PARENT, buildId);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'pids.max'), String(this.max));
    return `/${PARENT}/${buildId}`;
  }

  /**
   * Removes the build's cgroup from every hierarchy: the engine removes each step's
   * own cgroup but leaves the per-build folders it made. After a cancel the engine may
   * still be tearing a step down, so folders still in use are retried a few times later.
   */
  async leave(buildId: string): Promise<void> {
    if (await this.removeFolders(buildId)) return;
    void (async () => {
      for (const ms of RETRY_REMOVAL_MS) {
        await delay(ms, undefined, { ref: false });
        if (await this.removeFolders(buildId)) return;
      }
    })();
  }

  /** True when none of the build's folders is left. */
  private async removeFolders(buildId: string): Promise<boolean> {
    const hierarchies = this.version === 2 ? [this.root] : (await readdir(this.root).catch(() => [])).map((name) => join(this.root, name));
    const gone = await Promise.all(
      hierarchies.map((h) => rmdir(join(h, PARENT, buildId)).then(() => true, (err: NodeJS.ErrnoException) => err.code === 'ENOENT' || err.code === 'ENOTDIR')),
    );
    return gone.every(Boolean);
  }

  private pidsHierarchy(): string {
    return this.version === 2 ? this.root : join(this.root, 'pids');
  }

  private async makeParent(): Promise<void> {
    if (this.version === 1) {
      if (!(await stat(this.pidsHierarchy()).catch(() => null))?.isDirectory()) throw new Error(`no pids hierarchy at ${this.pidsHierarchy()}`);
      await mkdir(join(this.pidsHierarchy(), PARENT), { recursive: true });
      return;
    }
    // v2: pids.max exists in a build's cgroup only if every ancestor delegates the pids controller.
    const controllers = await readFile(join(this.root, 'cgroup.controllers'), 'utf8');
    if (!controllers.split(/\s+/).includes('pids')) throw new Error(`the pids controller is not available at ${this.root}`);
    await writeFile(join(this.root, 'cgroup.subtree_control'), '+pids');
    await mkdir(join(this.root, PARENT), { recursive: true });
    await writeFile(join(this.root, PARENT, 'cgroup.subtree_control'), '+pids');
  }
}
