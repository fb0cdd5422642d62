import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ZERO_SHA, type RefUpdate } from './commands.ts';

const git = promisify(execFile);

/** One bare repository per app; the app name is validated before it reaches a path. */
export const repoPath = (reposDir: string, app: string): string => join(reposDir, `${app}.git`);

/** Creates the app's bare repository on first use (safe to call concurrently). */
export async function ensureBareRepo(path: string): Promise<void> {
  if (await access(join(path, 'HEAD')).then(() => true, () => false)) return;
  await git('git', ['init', '--bare', '--quiet', '--initial-branch=main', path]);
  // Force pushes replace history (as on Heroku); deleting branches is allowed too.
  await git('git', ['-C', path, 'config', 'receive.denyNonFastForwards', 'false']);
  await git('git', ['-C', path, 'config', 'receive.denyDeletes', 'false']);
}

/** Puts a ref back where it was before a push whose deploy failed (no-op if it moved since). */
export async function revertRef(path: string, update: RefUpdate): Promise<void> {
  const args = update.oldSha === ZERO_SHA ? ['update-ref', '-d', update.ref, update.newSha] : ['update-ref', update.ref, update.oldSha, update.newSha];
  await git('git', ['-C', path, ...args]).catch(() => undefined);
}
