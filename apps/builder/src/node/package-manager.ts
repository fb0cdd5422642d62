import { SlipwayError } from '@slipway/core';

export type PackageManagerName = 'npm' | 'yarn' | 'pnpm';

/** How the app's dependencies are installed, read from its lockfile and `packageManager`. */
export interface PackageManager {
  name: PackageManagerName;
  /** The lockfile the install is held to, or null (npm install, with a warning). */
  lockfile: string | null;
  /** `packageManager`'s version (corepack installs it), or null for the tool's default. */
  version: string | null;
  /** Yarn 2+ ("berry"), whose commands and files differ from Yarn 1's. */
  berry: boolean;
}

const LOCKFILES: [string, PackageManagerName][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/**
 * The package manager, as Heroku's buildpack picks it: by lockfile; two lockfiles of
 * different tools are refused (which one is meant is not ours to guess). `packageManager`
 * ("pnpm@9.15.0") pins the version and must name the same tool as the lockfile.
 */
export function detectPackageManager(files: (name: string) => boolean, packageManagerField: unknown, yarnLock: string | null): PackageManager {
  const found = LOCKFILES.filter(([file]) => files(file));
  const tools = [...new Set(found.map(([, tool]) => tool))];
  if (tools.length > 1) {
    throw new SlipwayError('unprocessable', `Found lockfiles of more than one package manager (${found.map(([f]) => f).join(', ')}); keep the one you use and delete the others`);
  }
  const pinned = parsePackageManagerField(packageManagerField);
  const fromLock = found[0];
  const name = fromLock?.[1] ?? pinned?.name ?? 'npm';
  if (pinned && pinned.name !== name) {
    throw new SlipwayError('unprocessable', `package.json "packageManager" names ${pinned.name}, but the lockfile is ${fromLock?.[0]} (${name})`);
  }
  const version = pinned?.version ?? null;
  const berry = name === 'yarn' && (version ? !version.startsWith('1.') : /^__metadata:/m.test(yarnLock ?? ''));
  return { name, lockfile: fromLock?.[0] ?? null, version, berry };
}

/** `name@version` with an optional `+sha…` hash, as corepack reads it. */
function parsePackageManagerField(value: unknown): { name: PackageManagerName; version: string } | null {
  if (value === undefined) return null;
  const m = typeof value === 'string' ? /^(npm|yarn|pnpm)@(\d+\.\d+\.\d+[\w.-]*)(\+[\w.-]+)?$/.exec(value.trim()) : null;
  if (!m) throw new SlipwayError('unprocessable', `package.json "packageManager" must read like "pnpm@9.15.0" (npm, yarn or pnpm with an exact version); it is ${JSON.stringify(value)}`);
  return { name: m[1] as PackageManagerName, version: m[2]! };
}
