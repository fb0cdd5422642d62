import { SlipwayError } from '@slipway/core';
import { parseProcfile, type ProcessTypes } from './procfile.ts';

export type BuildKind = 'dockerfile' | 'node' | 'static' | 'procfile';

export const SUPPORTED_TYPES = [
  'Dockerfile at the repository root',
  'Node.js (package.json)',
  'static site (index.html)',
  'Procfile',
] as const;

/** What detection reads from the pushed commit's root. */
export interface RepoFacts {
  rootFiles: string[];
  read: (name: string) => Promise<string | null>;
}

export interface NodePlan {
  lockfile: 'package-lock.json' | 'npm-shrinkwrap.json' | null;
  hasBuildScript: boolean;
  /** Folders of `file:` dependencies, needed before the install step. */
  localDeps: string[];
}

export interface BuildPlan {
  kind: BuildKind;
  processTypes: ProcessTypes;
  node?: NodePlan;
}

interface PackageJson {
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
  if (has('package.json')) return nodePlan(parsePackageJson((await repo.read('package.json')) ?? ''), procfile, has);
  if (has('index.html')) return { kind: 'static', processTypes: { web: 'node /slipway/static-server.mjs /app', ...procfile } };
  if (Object.keys(procfile).length > 0) return { kind: 'procfile', processTypes: procfile };
  throw new SlipwayError('unprocessable', `Could not detect how to build this app. Supported types: ${SUPPORTED_TYPES.join('; ')}.`);
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

function nodePlan(pkg: PackageJson, procfile: ProcessTypes, has: (f: string) => boolean): BuildPlan {
  const lockfile = has('package-lock.json') ? 'package-lock.json' : has('npm-shrinkwrap.json') ? 'npm-shrinkwrap.json' : null;
  const web = procfile.web ?? (pkg.scripts?.start ? 'npm start' : has('server.js') ? 'node server.js' : null);
  const processTypes: ProcessTypes = { ...procfile };
  if (web) processTypes.web = web;
  if (Object.keys(processTypes).length === 0) {
    throw new SlipwayError('unprocessable', 'No start command: add "scripts.start" to package.json or a Procfile with a "web:" line');
  }
  return { kind: 'node', processTypes, node: { lockfile, hasBuildScript: Boolean(pkg.scripts?.build), localDeps: localDependencyDirs(pkg) } };
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
