import { execFile } from 'node:child_process';
import { readdir, readlink, readFile, realpath } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { APP_USER } from '@slipway/core';
import { parseLdd } from './ldd.ts';

const run = promisify(execFile);

/** One entry of the stack image's root filesystem. */
export type StackEntry =
  | { kind: 'file'; path: string; source: string; mode: number }
  | { kind: 'content'; path: string; content: string; mode: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'dir'; path: string; mode: number; uid: number };

const NPM_DIR = '/usr/lib/node_modules/npm';
const COREPACK_DIR = '/usr/lib/node_modules/corepack';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const STATIC_SERVER_PATH = '/slipway/static-server.mjs';

const shim = (script: string): string => `#!/bin/sh\nexec /usr/local/bin/node ${script} "$@"\n`;

/** Where a stack's node, npm and (optionally) corepack come from on this host. */
export interface StackSources {
  node: string;
  npmDir: string;
  /** Corepack's package folder: yarn and pnpm run through it. */
  corepackDir?: string;
}

/** The host's own Node and npm: the stack of static, Procfile and Dockerfile builds. */
export const hostStackSources = async (): Promise<StackSources> => ({ node: await realpath(process.execPath), npmDir: NPM_DIR });

const corepackShims = ['corepack', 'yarn', 'yarnpkg', 'pnpm', 'pnpx'];

/**
 * The files that make a minimal Node stack: node and the host libraries ldd lists for it,
 * npm (and corepack with yarn/pnpm shims), a static busybox as /bin/sh, the CA bundle,
 * an unprivileged `app` user.
 */
export async function stackLayout(sources: StackSources): Promise<StackEntry[]> {
  const { node, npmDir, corepackDir } = sources;
  const busybox = await findBusybox();
  const libs = parseLdd((await run('ldd', [node])).stdout);
  const applets = (await run(busybox, ['--list'])).stdout.split('\n').filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox');
  const entries: StackEntry[] = [
    { kind: 'dir', path: 'tmp', mode: 0o1777, uid: 0 },
    { kind: 'dir', path: 'app', mode: 0o755, uid: APP_USER.uid },
    { kind: 'dir', path: APP_USER.home.slice(1), mode: 0o755, uid: APP_USER.uid },
    { kind: 'file', path: 'usr/local/bin/node', source: node, mode: 0o755 },
    ...(await Promise.all(libs.map(async (lib) => ({ kind: 'file' as const, path: lib.slice(1), source: await realpath(lib), mode: 0o755 })))),
    { kind: 'file', path: 'bin/busybox', source: busybox, mode: 0o755 },
    ...applets.map((a) => ({ kind: 'symlink' as const, path: `bin/${a}`, target: '/bin/busybox' })),
    { kind: 'symlink', path: 'usr/bin/env', target: '/bin/busybox' },
    { kind: 'content', path: 'usr/local/bin/npm', content: shim(`${NPM_DIR}/bin/npm-cli.js`), mode: 0o755 },
    { kind: 'content', path: 'usr/local/bin/npx', content: shim(`${NPM_DIR}/bin/npx-cli.js`), mode: 0o755 },
    { kind: 'file', path: CA_BUNDLE.slice(1), source: CA_BUNDLE, mode: 0o644 },
    { kind: 'content', path: 'etc/passwd', content: `root:x:0:0:root:/root:/bin/sh\n${APP_USER.name}:x:${APP_USER.uid}:${APP_USER.uid}:app:${APP_USER.home}:/bin/sh\n`, mode: 0o644 },
    { kind: 'content', path: 'etc/group', content: `root:x:0:\n${APP_USER.name}:x:${APP_USER.uid}:\n`, mode: 0o644 },
    { kind: 'content', path: STATIC_SERVER_PATH.slice(1), content: await readFile(fileURLToPath(new URL('./static-server.mjs', import.meta.url)), 'utf8'), mode: 0o644 },
    ...(await treeEntries(npmDir, NPM_DIR)),
    ...(corepackDir ? await treeEntries(corepackDir, COREPACK_DIR) : []),
    ...(corepackDir ? corepackShims.map((cli) => ({ kind: 'content' as const, path: `usr/local/bin/${cli}`, content: shim(`${COREPACK_DIR}/dist/${cli}.js`), mode: 0o755 })) : []),
  ];
  return withParentDirs(entries);
}

async function findBusybox(): Promise<string> {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox']) {
    const { stdout } = await run('file', ['-L', candidate]).catch(() => ({ stdout: '' }));
    if (stdout.includes('statically linked')) return candidate;
  }
  throw new Error('A static busybox is needed for the stack image: apt-get install busybox-static');
}

/** A host folder's tree, placed at `dest` in the image. */
async function treeEntries(dir: string, dest: string): Promise<StackEntry[]> {
  const dirents = await readdir(dir, { withFileTypes: true, recursive: true });
  const out: StackEntry[] = [];
  for (const d of dirents) {
    const full = join(d.parentPath, d.name);
    const path = (dest + full.slice(dir.length)).slice(1);
    if (d.isSymbolicLink()) out.push({ kind: 'symlink', path, target: await readlink(full) });
    else if (d.isDirectory()) out.push({ kind: 'dir', path, mode: 0o755, uid: 0 });
    else if (d.isFile()) out.push({ kind: 'file', path, source: full, mode: 0o644 | (path.includes('/bin/') ? 0o111 : 0) });
  }
  return out;
}

/** Tar readers want each directory before its contents; add the missing ones, root-owned. */
function withParentDirs(entries: StackEntry[]): StackEntry[] {
  const dirs = new Map<string, StackEntry>();
  for (const e of entries) {
    for (let p = posix.dirname(e.path); p !== '.' && !dirs.has(p); p = posix.dirname(p)) dirs.set(p, { kind: 'dir', path: p, mode: 0o755, uid: 0 });
  }
  for (const e of entries) if (e.kind === 'dir') dirs.set(e.path, e);
  const sortedDirs = [...dirs.values()].sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  return [...sortedDirs, ...entries.filter((e) => e.kind !== 'dir')];
}
