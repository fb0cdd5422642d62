import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { APP_USER, STACK_LABEL } from '@slipway/core';
import { pack as tarPack, type Pack } from 'tar-stream';
import { stackLayout, type StackEntry } from './stack-layout.ts';

export const STACK_IMAGE = 'slipway/stack-node:20';
const HASH_LABEL = 'slipway.stack.hash';

const imageChanges = (hash: string): string[] => [
  'ENV PATH=/usr/local/bin:/usr/bin:/bin',
  `ENV HOME=${APP_USER.home}`,
  'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
  'ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false',
  'WORKDIR /app',
  `LABEL ${STACK_LABEL}=node-20 ${HASH_LABEL}=${hash}`,
];

/** Cheap content identity: files by size and mtime, generated files by content. */
async function layoutHash(entries: StackEntry[]): Promise<string> {
  const h = createHash('sha256').update(imageChanges('').join('\n'));
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

let pending: Promise<string> | null = null;

/**
 * Makes `slipway/stack-node:20` from this host's files (no registry needed).
 * Skips the import when an image with the same content hash already exists.
 */
export function ensureStackImage(docker: Docker, log: (line: string) => void = () => {}): Promise<string> {
  pending ??= buildStack(docker, log).finally(() => {
    pending = null;
  });
  return pending;
}

async function buildStack(docker: Docker, log: (line: string) => void): Promise<string> {
  const entries = await stackLayout();
  const hash = await layoutHash(entries);
  const existing = await docker.getImage(STACK_IMAGE).inspect().catch(() => null);
  if (existing?.Config?.Labels?.[HASH_LABEL] === hash) return STACK_IMAGE;
  log(`Making the stack image ${STACK_IMAGE} from this host's Node ${process.version} (first use)`);
  const tar = tarPack();
  const written = writeEntries(tar, entries);
  const [repo, tag] = STACK_IMAGE.split(':') as [string, string];
  const progress = (await docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo, tag, changes: imageChanges(hash) })) as NodeJS.ReadableStream;
  await Promise.all([written, new Promise((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve(null))))]);
  const made = await docker.getImage(STACK_IMAGE).inspect();
  if (made.Config?.Labels?.[HASH_LABEL] !== hash) throw new Error(`Importing ${STACK_IMAGE} did not produce the expected image`);
  return STACK_IMAGE;
}

/** The platform's stack images on this engine (tags): what any Dockerfile may start from, named in refusals. */
export async function localStackImages(docker: Docker): Promise<string[]> {
  const images = await docker.listImages({ filters: JSON.stringify({ label: [STACK_LABEL] }) });
  // Images built FROM a stack inherit its label, so only the platform's own names count.
  return images.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith('slipway/stack-'));
}
