import type { NodePlan } from '../detect/detect.ts';

/** The shell scripts of a Node.js build's steps; each echoes its `-----> ` phase lines, the log indents everything else. */
export interface LifecycleScripts {
  /** `heroku-prebuild`, when package.json defines it. */
  prebuild: string | null;
  /** Installs every dependency, devDependencies included. */
  install: string;
  /** What the install step says of itself when its layer is reused (it does not run then). */
  installHeader: string[];
  /** The build script, devDependencies pruned, then `heroku-cleanup`. */
  finish: string;
  /** Its phase lines, said when the whole step is reused (same code and dependencies as an earlier build). */
  finishHeaders: string[];
}

// Corepack and Yarn 2+ download from the registry the host uses (their defaults are other hosts).
const ENV = 'set -e; r="${NPM_CONFIG_REGISTRY%/}"; export COREPACK_NPM_REGISTRY="$r" YARN_NPM_REGISTRY_SERVER="$r"';
const say = (line: string) => `echo "${line}"`;
const script = (...parts: string[]) => [ENV, ...parts].join('; ');

/**
 * Heroku's Node.js buildpack lifecycle as shell: heroku-prebuild, install with
 * devDependencies (held to the lockfile), heroku-postbuild or else build, devDependencies
 * pruned, heroku-cleanup. NODE_ENV is production throughout (the stack sets it), as on
 * Heroku, so installs ask for devDependencies explicitly.
 */
export function lifecycle(node: NodePlan, npmVersion?: string): LifecycleScripts {
  const pm = node.packageManager;
  const tool = pm.name;
  const runScript = (name: string) => `${tool} run ${name}`;
  const installCmd = {
    npm: pm.lockfile ? 'npm ci --include=dev --no-audit --no-fund' : 'npm install --include=dev --no-audit --no-fund',
    yarn: pm.berry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile --production=false --non-interactive',
    pnpm: 'NODE_ENV=development pnpm install --frozen-lockfile',
  }[tool];
  const berryMajor = pm.version ? Number(pm.version.split('.')[0]) : null;
  const prune = {
    npm: 'npm prune --omit=dev --no-audit --no-fund',
    yarn: !pm.berry
      ? 'yarn install --frozen-lockfile --production=true --ignore-scripts --prefer-offline --non-interactive'
      : berryMajor !== null && berryMajor < 4
        ? say('       Yarn 2 and 3 need the workspace-tools plugin to prune; devDependencies are kept')
        : 'yarn workspaces focus --all --production',
    pnpm: 'pnpm prune --prod',
  }[tool];
  const header = `Installing dependencies with ${tool}`;
  const warning = pm.lockfile ? [] : [say('!      No lockfile (package-lock.json, yarn.lock or pnpm-lock.yaml): dependencies were resolved afresh with npm install; commit a lockfile for repeatable builds')];
  return {
    prebuild: node.scripts.prebuild ? script(say('-----> Running heroku-prebuild'), runScript('heroku-prebuild')) : null,
    install: script(say(`-----> ${header} $(${tool} --version)`), ...warning, installCmd),
    installHeader: [`-----> ${header}${tool === 'npm' && npmVersion ? ` ${npmVersion}` : pm.version ? ` ${pm.version}` : ''}`],
    finish: script(
      ...(node.scripts.build ? [say(`-----> Running ${node.scripts.build}`), runScript(node.scripts.build)] : []),
      say('-----> Pruning devDependencies'),
      prune,
      ...(node.scripts.cleanup ? [say('-----> Running heroku-cleanup'), runScript('heroku-cleanup')] : []),
    ),
    finishHeaders: [
      ...(node.scripts.build ? [`-----> Running ${node.scripts.build}`] : []),
      '-----> Pruning devDependencies',
      ...(node.scripts.cleanup ? ['-----> Running heroku-cleanup'] : []),
    ],
  };
}
