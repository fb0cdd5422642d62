import type { BuildPlan, NodePlan } from '../detect/detect.ts';
import { lifecycle } from '../node/lifecycle.ts';

const OWNER = '--chown=1000:1000';

/** A build step whose progress the log tells in its own words, and what it says when the engine reuses the step from its cache. */
export interface Phase {
  /** The instruction as the engine echoes it (`RUN …`). */
  instruction: string;
  /** Said instead of the step's output when its layer comes from the cache. */
  cached: string[];
}

export interface GeneratedDockerfile {
  text: string;
  phases: Phase[];
}

/**
 * A Dockerfile for a detected app. The Node install step copies only the manifest,
 * lockfile, package manager settings and local dependencies first, so code-only changes
 * reuse the installed-modules layer from the build cache. Env, port and user come from the
 * stack image and labels from the build request, so the only steps are the copies, the
 * lifecycle's runs and the start command.
 */
export function generateDockerfile(plan: BuildPlan, stackImage: string, npmVersion?: string): GeneratedDockerfile {
  const lines = [`FROM ${stackImage}`, 'USER app', 'ARG NPM_CONFIG_REGISTRY', ...(plan.kind === 'node' ? ['ARG COREPACK_INTEGRITY_KEYS'] : [])];
  const phases: Phase[] = [];
  if (plan.kind === 'node' && plan.node) nodeSteps(plan.node, lines, phases, npmVersion);
  else lines.push(`COPY ${OWNER} . .`);
  const web = plan.processTypes.web;
  if (web) lines.push(`CMD ["/bin/sh", "-c", ${json(web)}]`);
  return { text: `${lines.join('\n')}\n`, phases };
}

function nodeSteps(node: NodePlan, lines: string[], phases: Phase[], npmVersion?: string): void {
  const steps = lifecycle(node, npmVersion);
  const run = (script: string, cached: string[] = []) => {
    const instruction = `RUN ${script}`;
    lines.push(instruction);
    phases.push({ instruction, cached });
  };
  const manifests = ['package.json', ...(node.packageManager.lockfile ? [node.packageManager.lockfile] : []), ...node.installFiles.filter((f) => f !== '.yarn')];
  // heroku-prebuild runs before the install with the whole source, as on Heroku: such an app's install is not cached apart from its code.
  if (steps.prebuild) {
    lines.push(`COPY ${OWNER} . .`);
    run(steps.prebuild);
    run(steps.install);
  } else {
    lines.push(`COPY ${OWNER} ${json([...manifests, './'])}`);
    for (const dir of [...node.localDeps, ...node.installFiles.filter((f) => f === '.yarn')]) lines.push(`COPY ${OWNER} ${json([dir, `./${dir}`])}`);
    run(steps.install, [...steps.installHeader, '       Dependencies unchanged: reusing the installed modules from the previous build']);
    lines.push(`COPY ${OWNER} . .`);
  }
  run(steps.finish, [...steps.finishHeaders, '       Same code and dependencies as an earlier build: reusing its result']);
}

const json = (value: string | string[]): string => JSON.stringify(value);
