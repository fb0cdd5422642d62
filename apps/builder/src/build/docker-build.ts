import type Docker from 'dockerode';
import type { Readable } from 'node:stream';

export interface DockerBuildOptions {
  tag: string;
  dockerfile: string;
  labels: Record<string, string>;
  buildargs: Record<string, string>;
  signal: AbortSignal;
  /** Memory and CPU of each step container (see build-limits.ts). */
  limits: { memory: number; memswap: number; cpuperiod: number; cpuquota: number };
  /** The cgroup the step containers go under (the build's pids cap), if any. */
  cgroupParent?: string;
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  aux?: { ID?: string };
}

/**
 * Runs `docker build` on a context tar and reports each output line as it arrives.
 * Build steps run in ordinary containers: no privileges, no mounts, no Docker socket,
 * with the given memory, CPU and (through the cgroup parent) pids limits.
 * Resolves with the image id; rejects with the builder's own error message.
 */
export async function dockerBuild(docker: Docker, context: NodeJS.ReadableStream, opts: DockerBuildOptions, onLine: (line: string) => void): Promise<string> {
  // `cgroupparent` is a build API parameter that dockerode's types leave out.
  const options: Docker.ImageBuildOptions & { cgroupparent?: string } = {
    t: opts.tag,
    dockerfile: opts.dockerfile,
    labels: opts.labels,
    buildargs: opts.buildargs,
    forcerm: true,
    rm: true,
    abortSignal: opts.signal,
    ...opts.limits,
    ...(opts.cgroupParent ? { cgroupparent: opts.cgroupParent } : {}),
  };
  const stream = (await docker.buildImage(context, options)) as Readable;
  let imageId: string | null = null;
  let step: string | null = null;
  let partial = '';
  const emit = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    // eslint-disable-next-line no-control-regex
    for (const line of lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trimEnd())) {
      if (!line.trim()) continue;
      step = /---> Running in ([0-9a-f]+)$/.exec(line)?.[1] ?? step;
      onLine(line);
    }
  };
  const done = new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (event: BuildEvent) => {
        if (event.error) reject(new Error(event.error.trim()));
        if (event.stream) emit(event.stream);
        if (event.status) emit(`${event.status}\n`);
        if (event.aux?.ID) imageId = event.aux.ID;
      },
    );
  });
  try {
    await done;
  } catch (err) {
    // The engine removes an aborted build's step container in its own time; a stopped build stops now.
    if (opts.signal.aborted && step) await docker.getContainer(step).remove({ force: true }).catch(() => undefined);
    throw err;
  }
  emit('\n');
  if (!imageId) throw new Error('docker build finished without producing an image');
  return imageId;
}
