import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = join(ROOT, 'apps/dashboard');
export const DIST = join(APP, 'dist');

/** Builds the dashboard when dist is missing or older than any source file, so tests never run a stale bundle. */
export async function ensureDashboardBuilt(): Promise<void> {
  const built = await mtime(join(DIST, 'index.html'));
  const sources = await newest([join(APP, 'src'), join(APP, 'index.html'), join(APP, 'vite.config.ts'), join(APP, 'package.json')]);
  if (built !== null && built >= sources) return;
  await run('npm', ['run', 'build', '-w', '@slipway/dashboard'], { cwd: ROOT, maxBuffer: 16 << 20 });
}

async function mtime(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

async function newest(paths: string[]): Promise<number> {
  let max = 0;
  for (const p of paths) {
    const s = await stat(p);
    if (s.isDirectory()) {
      const entries = await readdir(p);
      max = Math.max(max, await newest(entries.map((e) => join(p, e))));
    } else max = Math.max(max, s.mtimeMs);
  }
  return max;
}
