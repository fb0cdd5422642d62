import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { APP_USER, STACK_LABEL } from '@slipway/core';
import { pack as tarPack, type Pack } from 'tar-stream';
import { hostStackSources, stackLayout, type StackEntry } from './stack-layout.ts';

export const STACK_IMAGE = 'slipway/stack-node:20';
const HASH_LABEL = 'slipway.stack.hash';

const imageChanges = (hash: string, stackName: string): string[] => [
  'ENV PATH=/usr/local/bin:/usr/bin:/bin',
  `ENV HOME=${APP_USER.home}`,
  'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
  'ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false',
  // Run-time settings of every app (Heroku's NODE_ENV; the port the platform routes to): set here, they cost no build step.
  'ENV NODE_ENV=production PORT=5000',
  'EXPOSE 5000',
  'ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_ENABLE_AUTO_PIN=0',
  'WORKDIR /app',
  `LABEL ${STACK_LABEL}=${stackName} ${HASH_LABEL}=${hash}`,
];

/** Cheap content identity: files by size and mtime, generated files by content. */
async function layoutHash(entries: StackEntry[], stackName: string): Promise<string> {
  const h = createHash('sha256').update(imageChanges('', stackName).join('\n'));
  for (const e of entries) {
    h.update(`${e.kind}\0${e.path}\0`);
    if (e.kind === 'file') {
      const s = await stat(e.source);
      h.update(`${s.size}:${s.mtimeMs}:${e.mode}`);
    } else if (e.kind === 'content') h.update(e.content);
    else if (e.kind === 'symlink') h.update(e.target);
    else h.update(`${e.mode}:${e.uid}`);
  }
  return h.digest('hex').slice(0, 24);
}

async function writeEntries(tar: Pack, entries: StackEntry[]): Promise<void> {
  for (const e of entries) {
    if (e.kind === 'dir') {
      tar.entry({ name: e.path, type: 'directory', mode: e.mode, uid: e.uid, gid: e.uid });
    } else if (e.kind === 'symlink') {
      tar.entry({ name: e.path, type: 'symlink', linkname: e.target });
    } else if (e.kind === 'content') {
      tar.entry({ name: e.path, mode: e.mode }, e.content);
    } else {
      const { size } = await stat(e.source);
      const sink = tar.entry({ name: e.path, mode: e.mode, size });
      await pipeline(createReadStream(e.source), sink);
    }
  }
  tar.finalize();
}

const pending = new Map<string, Promise<string>>();

/**
 * Makes `slipway/stack-node:20` from this host's files (no registry needed): the stack of
 * static, Procfile and Dockerfile builds. Node.js apps get a stack of their own version (node-stack.ts).
 */
export async function ensureStackImage(docker: Docker, log: (line: string) => void = () => {}): Promise<string> {
  return ensureImportedStack(docker, STACK_IMAGE, 'node-20', async () => stackLayout(await hostStackSources()), () => log(`Making the stack image ${STACK_IMAGE} from this host's Node ${process.version} (first use)`));
}

/**
 * Imports a stack image from a file layout under `tag`, once: skipped when an image with
 * the same content hash already has that tag, and shared by concurrent callers.
 */
export function ensureImportedStack(docker: Docker, tag: string, stackName: string, layout: () => Promise<StackEntry[]>, onMake: () => void): Promise<string> {
  let run = pending.get(tag);
  if (!run) {
    run = importStack(docker, tag, stackName, layout, onMake).finally(() => pending.delete(tag));
    pending.set(tag, run);
  }
  return run;
}

async function importStack(docker: Docker, image: string, stackName: string, layout: () => Promise<StackEntry[]>, onMake: () => void): Promise<string> {
  const entries = await layout();
  const hash = await layoutHash(entries, stackName);
  const existing = await docker.getImage(image).inspect().catch(() => null);
  if (existing?.Config?.Labels?.[HASH_LABEL] === hash) return image;
  onMake();
  const tar = tarPack();
  const written = writeEntries(tar, entries);
  const [repo, tag] = image.split(':') as [string, string];
  const progress = (await docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo, tag, changes: imageChanges(hash, stackName) })) as NodeJS.ReadableStream;
  await Promise.all([written, new Promise((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve(null))))]);
  const made = await docker.getImage(image).inspect();
  if (made.Config?.Labels?.[HASH_LABEL] !== hash) throw new Error(`Importing ${image} did not produce the expected image`);
  return image;
}

/** The platform's stack images on this engine (tags): what any Dockerfile may start from, named in refusals. */
export async function localStackImages(docker: Docker): Promise<string[]> {
  const images = await docker.listImages({ filters: JSON.stringify({ label: [STACK_LABEL] }) });
  // Images built FROM a stack inherit its label, so only the platform's own names count.
  return images.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith('slipway/stack-')).sort();
}
