import type Docker from 'dockerode';
import { SlipwayError } from '@slipway/core';
import { detect, type BuildKind } from '../detect/detect.ts';
import type { ProcessTypes } from '../detect/procfile.ts';
import { ensureStackImage, localStackImages } from '../stack/stack-image.ts';
import { buildApiLimits, explainStepFailure, type BuildLimits } from './build-limits.ts';
import { buildContext } from './context.ts';
import { dockerBuild } from './docker-build.ts';
import { generateDockerfile } from './dockerfile.ts';
import { baseImages } from './from-images.ts';
import { RepoSource } from './repo-source.ts';

export interface BuildRequest {
  app: string;
  buildId: string;
  repoDir: string;
  commitSha: string;
  /** Image tag to produce, e.g. `myapp:build-<id>`. */
  tag: string;
  timeoutMs: number;
  maxRepoBytes: number;
  /** The host's npm registry (`npm config get registry`), passed to `npm ci` in the build. */
  npmRegistry: string;
  limits: BuildLimits;
  signal?: AbortSignal;
}

export interface BuildResult {
  kind: BuildKind;
  image: string;
  imageId: string;
  processTypes: ProcessTypes;
}

const GENERATED_DOCKERFILE = '.slipway.Dockerfile';

/** Commit → image: check limits, detect the app type, build on the stack image. */
export async function runBuild(docker: Docker, req: BuildRequest, onLine: (line: string) => void): Promise<BuildResult> {
  const source = new RepoSource(req.repoDir, req.commitSha);
  const bytes = await source.treeBytes();
  if (bytes > req.maxRepoBytes) {
    throw new SlipwayError('payload_too_large', `The repository is ${mb(bytes)} MB; the limit is ${mb(req.maxRepoBytes)} MB`);
  }
  const facts = await source.facts();
  const plan = await detect(facts);
  onLine(`-----> ${describe(plan.kind)} app detected`);
  const stack = await ensureStackImage(docker, onLine);

  let dockerfile = 'Dockerfile';
  const extra = [];
  if (plan.kind === 'dockerfile') {
    await requireLocalBaseImages(docker, (await facts.read('Dockerfile')) ?? '');
  } else {
    dockerfile = GENERATED_DOCKERFILE;
    extra.push({ name: GENERATED_DOCKERFILE, content: generateDockerfile(plan, stack) });
  }

  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  onLine('-----> Building image');
  try {
    const cgroupParent = await req.limits.pids?.enter(req.buildId);
    const imageId = await dockerBuild(
      docker,
      buildContext(source.archive(), extra),
      {
        tag: req.tag,
        dockerfile,
        labels: { 'slipway.app': req.app, 'slipway.commit': req.commitSha, 'slipway.build': req.buildId },
        buildargs: plan.kind === 'dockerfile' ? {} : { NPM_CONFIG_REGISTRY: req.npmRegistry },
        signal,
        limits: buildApiLimits(req.limits),
        cgroupParent,
      },
      onLine,
    );
    return { kind: plan.kind, image: req.tag, imageId, processTypes: plan.processTypes };
  } catch (err) {
    if (timeout.aborted) throw new SlipwayError('unprocessable', `Build exceeded the maximum build time of ${Math.round(req.timeoutMs / 1000)} s (BUILD_TIMEOUT_SECONDS) and was stopped`);
    if (req.signal?.aborted) throw new SlipwayError('unprocessable', 'Build was cancelled');
    throw new SlipwayError('unprocessable', explainStepFailure(err instanceof Error ? err.message : String(err), req.limits.memoryMb));
  } finally {
    await req.limits.pids?.leave(req.buildId);
  }
}

/** No registry is reachable, so every base image must already be on this engine. */
async function requireLocalBaseImages(docker: Docker, dockerfileText: string): Promise<void> {
  for (const image of baseImages(dockerfileText)) {
    const found = await docker.getImage(image).inspect().catch(() => null);
    if (found) continue;
    const stacks = await localStackImages(docker);
    throw new SlipwayError(
      'unprocessable',
      `Dockerfile uses FROM ${image}, which is not on this machine, and no registry is reachable to pull it. Local stack images: ${stacks.join(', ') || 'none'}`,
    );
  }
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const describe = (kind: BuildKind): string =>
  ({ dockerfile: 'Dockerfile', node: 'Node.js', static: 'Static site', procfile: 'Procfile' })[kind];
