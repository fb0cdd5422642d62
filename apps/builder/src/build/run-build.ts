import type Docker from 'dockerode';
import { SlipwayError } from '@slipway/core';
import { detect, type BuildKind, type RepoFacts } from '../detect/detect.ts';
import type { ProcessTypes } from '../detect/procfile.ts';
import { collectNodeStacks, ensureNodeStack, NODE_PACKAGE } from '../node/node-stack.ts';
import { describeNode, resolveNodeVersion } from '../node/node-version.ts';
import type { RegistryCache } from '../node/registry-cache.ts';
import { ensureStackImage, localStackImages } from '../stack/stack-image.ts';
import { BUILD_LABEL, checkedDockerfile, engineLookup } from './base-images.ts';
import { buildApiLimits, explainStepFailure, type BuildLimits } from './build-limits.ts';
import { buildOutput } from './build-output.ts';
import { buildContext } from './context.ts';
import { dockerBuild } from './docker-build.ts';
import { generateDockerfile } from './dockerfile.ts';
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
  /** The npm registry with its on-disk cache: Node.js releases, npm and corepack for the stacks. */
  registry: RegistryCache;
  /** The engine's own step lines (`Step 3/7 : …`), which the build's output leaves out. */
  onDetail?: (line: string) => void;
  /** True when the build of this id is one of this app's: a Dockerfile may use that build's image. */
  ownsBuild(buildId: string): Promise<boolean>;
  signal?: AbortSignal;
}

export interface BuildResult {
  kind: BuildKind;
  image: string;
  imageId: string;
  processTypes: ProcessTypes;
}

/** The Dockerfile the engine builds, always the builder's own text (generated, or the app's once checked) in place of any file of that name. */
const BUILT_DOCKERFILE = '.slipway.Dockerfile';

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
  let stack: string;
  let releaseStack = () => {};
  let npmVersion: string | undefined;
  if (plan.kind === 'node' && plan.node) {
    const resolved = resolveNodeVersion(plan.node.request, Object.keys((await req.registry.packument(NODE_PACKAGE)).versions));
    onLine(`-----> ${describeNode(resolved)}`);
    const made = await ensureNodeStack(docker, req.registry, resolved.version, onLine);
    stack = made.image;
    releaseStack = made.release;
    npmVersion = made.tools.npm;
  } else {
    stack = await ensureStackImage(docker, onLine);
  }
  const generated = plan.kind === 'dockerfile' ? null : generateDockerfile(plan, stack, npmVersion);
  const content = generated ? generated.text : await appDockerfile(docker, req, facts, onLine);
  const detail = req.onDetail ?? (() => {});
  let phase = '';
  const output = generated
    ? buildOutput(generated.phases, (line) => {
        if (line.startsWith('-----> ')) phase = line.slice(7);
        onLine(line);
      }, detail)
    : onLine;

  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  if (!generated) onLine('-----> Building image');
  try {
    const cgroupParent = await req.limits.pids?.enter(req.buildId);
    const imageId = await dockerBuild(
      docker,
      buildContext(source.archive(), [{ name: BUILT_DOCKERFILE, content }]),
      {
        tag: req.tag,
        dockerfile: BUILT_DOCKERFILE,
        labels: { 'slipway.app': req.app, 'slipway.commit': req.commitSha, [BUILD_LABEL]: req.buildId },
        buildargs: plan.kind === 'dockerfile' ? {} : { NPM_CONFIG_REGISTRY: req.npmRegistry, ...(plan.kind === 'node' ? { COREPACK_INTEGRITY_KEYS: await req.registry.corepackKeys() } : {}) },
        signal,
        limits: buildApiLimits(req.limits),
        cgroupParent,
      },
      output,
    );
    const { Size } = await docker.getImage(imageId).inspect();
    onLine(`-----> Build succeeded: ${mb(Size)} MB image`);
    if (plan.kind === 'node') void collectNodeStacks(docker, [stack]).catch(() => undefined);
    return { kind: plan.kind, image: req.tag, imageId, processTypes: plan.processTypes };
  } catch (err) {
    if (timeout.aborted) throw new SlipwayError('unprocessable', `Build exceeded the maximum build time of ${Math.round(req.timeoutMs / 1000)} s (BUILD_TIMEOUT_SECONDS) and was stopped`);
    if (req.signal?.aborted) throw new SlipwayError('unprocessable', 'Build was cancelled');
    const message = err instanceof Error ? err.message : String(err);
    // A generated step's failure is told by its phase, not by the script the engine ran (the tool's own words are above it).
    const exit = generated && phase ? /^The command '.*' returned a non-zero code: (\d+)$/s.exec(message) : null;
    throw new SlipwayError('unprocessable', explainStepFailure(exit ? `${phase}: the command returned a non-zero code: ${exit[1]}` : message, req.limits.memoryMb));
  } finally {
    releaseStack();
    await req.limits.pids?.leave(req.buildId);
  }
}

/**
 * The app's Dockerfile as the engine gets it: the text that was checked, each image it
 * names pinned to the id that was allowed (so no symlink, name or tag can make the engine read another).
 */
async function appDockerfile(docker: Docker, req: BuildRequest, facts: RepoFacts, onLine: (line: string) => void): Promise<string> {
  const policy = { stacks: await localStackImages(docker), lookup: engineLookup(docker), ownsBuild: req.ownsBuild };
  const checked = await checkedDockerfile((await facts.read('Dockerfile')) ?? '', policy);
  for (const { written, id } of checked.pinned) onLine(`-----> Using ${written} (image ${id.slice(7, 19)})`);
  return checked.text;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const describe = (kind: BuildKind): string =>
  ({ dockerfile: 'Dockerfile', node: 'Node.js', static: 'Static site', procfile: 'Procfile' })[kind];
