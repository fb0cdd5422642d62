import { SlipwayError } from '@slipway/core';
import { nodeRequest, type NodeRequest } from '../node/node-version.ts';
import { detectPackageManager, type PackageManager } from '../node/package-manager.ts';
import { parseProcfile, type ProcessTypes } from './procfile.ts';

export type BuildKind = 'dockerfile' | 'node' | 'static' | 'procfile';

export const SUPPORTED_TYPES = [
  'Dockerfile at the repository root',
  'Node.js (package.json)',
  'static site (index.html)',
  'Procfile',
] as const;

// Marker files of languages the builder has no buildpack for (Heroku's detection files), named in the refusal.
const OTHER_LANGUAGES: [file: string, language: string][] = [
  ['requirements.txt', 'Python'], ['pyproject.toml', 'Python'], ['Pipfile', 'Python'], ['Gemfile', 'Ruby'], ['go.mod', 'Go'],
  ['pom.xml', 'Java'], ['build.gradle', 'Java/Gradle'], ['composer.json', 'PHP'], ['Cargo.toml', 'Rust'], ['mix.exs', 'Elixir'],
];

/** What detection reads from the pushed commit's root. */
export interface RepoFacts {
  rootFiles: string[];
  read: (name: string) => Promise<string | null>;
}

/** The buildpack lifecycle scripts package.json defines (Heroku's names). */
export interface NodeScripts {
  prebuild: boolean;
  /** `heroku-postbuild` when defined, else `build`, else none. */
  build: 'heroku-postbuild' | 'build' | null;
  cleanup: boolean;
}

export interface NodePlan {
  request: NodeRequest;
  packageManager: PackageManager;
  scripts: NodeScripts;
  /** Folders of `file:` dependencies, needed before the install step. */
  localDeps: string[];
  /** Package manager settings at the root (`.npmrc`, `.yarnrc.yml`, `.yarn`, …), needed before the install step. */
  installFiles: string[];
}

const INSTALL_FILES = ['.npmrc', '.yarnrc', '.yarnrc.yml', '.yarn', '.pnpmfile.cjs', 'pnpm-workspace.yaml'];

export interface BuildPlan {
  kind: BuildKind;
  processTypes: ProcessTypes;
  node?: NodePlan;
}

interface PackageJson {
  engines?: Record<string, unknown>;
  packageManager?: unknown;
  scripts?: Record<string, string>;
  main?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Detection order: Dockerfile → Node → static site → Procfile. */
export async function detect(repo: RepoFacts): Promise<BuildPlan> {
  const has = (f: string) => repo.rootFiles.includes(f);
  const procfileText = has('Procfile') ? await repo.read('Procfile') : null;
  const procfile = procfileText === null ? {} : parseProcfile(procfileText);

  if (has('Dockerfile')) return { kind: 'dockerfile', processTypes: { web: '', ...procfile } };
  if (has('package.json')) return nodePlan(parsePackageJson((await repo.read('package.json')) ?? ''), procfile, repo);
  if (has('index.html')) return { kind: 'static', processTypes: { web: 'node /slipway/static-server.mjs /app', ...procfile } };
  if (Object.keys(procfile).length > 0) return { kind: 'procfile', processTypes: procfile };
  const other = OTHER_LANGUAGES.find(([file]) => has(file));
  const looks = other ? ` This looks like a ${other[1]} app (${other[0]}), which is not built here: add a Dockerfile to build it.` : '';
  throw new SlipwayError('unprocessable', `Could not detect how to build this app. Supported types: ${SUPPORTED_TYPES.join('; ')}.${looks}`);
}

function parsePackageJson(text: string): PackageJson {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as PackageJson;
  } catch {
    // reported below
  }
  throw new SlipwayError('unprocessable', 'package.json is not a valid JSON object');
}

async function nodePlan(pkg: PackageJson, procfile: ProcessTypes, repo: RepoFacts): Promise<BuildPlan> {
  const has = (f: string) => repo.rootFiles.includes(f);
  const web = procfile.web ?? (pkg.scripts?.start ? 'npm start' : has('server.js') ? 'node server.js' : null);
  const processTypes: ProcessTypes = { ...procfile };
  if (web) processTypes.web = web;
  if (Object.keys(processTypes).length === 0) {
    throw new SlipwayError('unprocessable', 'No start command: add "scripts.start" to package.json or a Procfile with a "web:" line');
  }
  const script = (name: string) => typeof pkg.scripts?.[name] === 'string';
  return {
    kind: 'node',
    processTypes,
    node: {
      request: nodeRequest(pkg.engines?.node, await repo.read('.nvmrc'), await repo.read('.node-version')),
      packageManager: detectPackageManager(has, pkg.packageManager, await repo.read('yarn.lock')),
      scripts: { prebuild: script('heroku-prebuild'), build: script('heroku-postbuild') ? 'heroku-postbuild' : script('build') ? 'build' : null, cleanup: script('heroku-cleanup') },
      localDeps: localDependencyDirs(pkg),
      installFiles: INSTALL_FILES.filter(has),
    },
  };
}

/** `file:` dependencies inside the repository; anything pointing outside it is refused. */
export function localDependencyDirs(pkg: PackageJson): string[] {
  const specs = [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].flatMap((d) => Object.values(d ?? {}));
  const dirs = new Set<string>();
  for (const spec of specs) {
    if (!spec.startsWith('file:')) continue;
    const path = spec.slice(5).replace(/^\.\//, '').replace(/\/+$/, '');
    if (!path || path.startsWith('/') || path.split('/').includes('..')) {
      throw new SlipwayError('unprocessable', `Dependency "${spec}" points outside the repository; only paths inside it can be built`);
    }
    dirs.add(path);
  }
  return [...dirs].sort();
}
