import Docker from 'dockerode';
import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import { CONTAINER_PORT } from '../protocol.ts';
import type { InstanceSpec } from '../protocol.ts';
import { AppNetworks, DEFAULT_SUBNETS } from './app-network.ts';
import type { SubnetPool } from './app-network.ts';
import { filesystemFor } from './filesystem.ts';
import type { Filesystem } from './filesystem.ts';
import { LABEL, fromLabels } from './labels.ts';
import type { Managed } from './labels.ts';

const MiB = 1024 * 1024;
const PIDS_LIMIT = 512;

/** The node's Docker engine, reduced to what the agent needs. */
export class Engine {
  readonly docker: Docker;
  readonly networks: AppNetworks;

  constructor(socketPath: string, private readonly nodeAddress: string, subnets: SubnetPool = DEFAULT_SUBNETS) {
    this.docker = new Docker({ socketPath });
    this.networks = new AppNetworks(this.docker, subnets);
  }

  async list(): Promise<Managed[]> {
    const all = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.managed}=1`] } });
    return all.flatMap((c) => fromLabels(c.Id, c.Labels, c.State) ?? []);
  }

  inspect(containerId: string): Promise<ContainerInspectInfo> {
    return this.docker.getContainer(containerId).inspect();
  }

  /**
   * Creates and starts the instance's container on its app's network. The name is fixed per
   * instance and generation, so a repeated start finds the existing container instead of a twin.
   */
  async start(spec: InstanceSpec): Promise<string> {
    // A created container holds its network (its removal waits for the app's queue), so only
    // the creation is serialized per app; the (slower) start is not.
    const id = await this.networks.using(spec.appId, spec.appName, async (network) => {
      const name = `slw-${spec.instanceId}-${spec.generation}`;
      try {
        const fs = filesystemFor((await this.docker.getImage(spec.image).inspect()).Config);
        return (await this.docker.createContainer(createOptions(spec, name, network, this.nodeAddress, fs))).id;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 409) throw err;
        return (await this.docker.getContainer(name).inspect()).Id;
      }
    });
    const c = this.docker.getContainer(id);
    if (!(await c.inspect()).State.Running) await c.start().catch((err: { statusCode?: number }) => { if (err.statusCode !== 304) throw err; });
    return id;
  }

  /**
   * Runs a command in the container (a `command` health check) with its output discarded;
   * its exit code, or null when it has not finished within the timeout (it is left to end).
   */
  async exec(containerId: string, cmd: string[], timeoutMs: number): Promise<number | null> {
    const exec = await this.docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      new Promise<boolean>((resolve) => {
        stream.on('end', () => resolve(true));
        stream.on('close', () => resolve(true));
        stream.on('error', () => resolve(true));
        stream.resume();
      }),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (!finished) {
      stream.destroy();
      return null;
    }
    return (await exec.inspect()).ExitCode;
  }

  /** SIGTERM, SIGKILL after the timeout, then remove. Missing containers are fine. */
  async stopAndRemove(m: Managed): Promise<void> {
    const c = this.docker.getContainer(m.containerId);
    const ignore = (codes: number[]) => (err: { statusCode?: number }) => { if (!codes.includes(err.statusCode ?? 0)) throw err; };
    if (m.running) await c.stop({ t: m.stopTimeoutSec }).catch(ignore([304, 404]));
    await c.remove({ force: true }).catch(ignore([404, 409]));
  }
}

function createOptions(spec: InstanceSpec, name: string, network: string, nodeAddress: string, fs: Filesystem): ContainerCreateOptions {
  const port = `${CONTAINER_PORT}/tcp`;
  return {
    name,
    Image: spec.image,
    Cmd: spec.command === null ? undefined : ['/bin/sh', '-c', spec.command],
    Env: Object.entries({ ...spec.env, PORT: String(CONTAINER_PORT) }).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABEL.managed]: '1', [LABEL.instance]: spec.instanceId, [LABEL.generation]: String(spec.generation), [LABEL.app]: spec.appName,
      [LABEL.name]: spec.name, [LABEL.oneOff]: spec.oneOff ? '1' : '0', [LABEL.stopTimeout]: String(spec.stopTimeoutSec),
    },
    ExposedPorts: spec.oneOff ? undefined : { [port]: {} },
    StopTimeout: spec.stopTimeoutSec,
    HostConfig: {
      NetworkMode: network,
      // Docker picks a free host port on the node's address; the report tells the control plane.
      PortBindings: spec.oneOff ? undefined : { [port]: [{ HostIp: nodeAddress, HostPort: '' }] },
      Memory: spec.memoryMb * MiB,
      MemorySwap: spec.memoryMb * MiB,
      CpuShares: spec.cpuShares,
      PidsLimit: PIDS_LIMIT,
      // The platform decides about restarts (with back-off), never Docker.
      RestartPolicy: { Name: 'no' },
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ...fs,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
    },
  };
}

/** The host port Docker bound for the instance port, if any. */
export function hostPortOf(info: ContainerInspectInfo): number | null {
  const p = info.NetworkSettings.Ports?.[`${CONTAINER_PORT}/tcp`]?.[0]?.HostPort;
  return p ? Number(p) : null;
}

/** The container's address on its engine's network, for checks on a port other than $PORT. */
export function containerAddressOf(info: ContainerInspectInfo): string | null {
  return Object.values(info.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress ?? null;
}
