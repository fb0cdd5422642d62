// Time from `git push` start to image ready for a small Node app (node-local-dep
// fixture: lockfile, local dependency, build script), cold and warm cache; then one
// push of an app on a Node.js release with no stack image yet (the stack is made on the
// way, from the release's tarball already in the builder's download cache).
// Run: node --import tsx bench/push-to-image/push-to-image.bench.ts [runs]
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { push, workTree } from '../../test/builder/git-helpers.ts';
import { startPlatform, TEST_CACHE_DIR } from '../../test/builder/platform.ts';

const runs = Number(process.argv[2] ?? 3);
const p = await startPlatform(1);
const rows: { run: string; seconds: number }[] = [];

async function timedPush(dir: string, app: string): Promise<number> {
  const start = performance.now();
  const r = await push(dir, [p.git.url(app), 'main']);
  if (r.code !== 0) throw new Error(`push failed:\n${r.output}`);
  return (performance.now() - start) / 1000;
}

try {
  for (let i = 0; i < runs; i++) {
    const app = await p.createApp(`bench${i}`);
    const wt = await workTree('node-local-dep');
    try {
      // Cold: a fresh marker in package.json changes the install layer's input.
      const pkg = JSON.parse(await readFile(join(wt.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(wt.dir, 'package.json'), JSON.stringify({ ...pkg, description: `bench ${Date.now()} ${i}` }, null, 2));
      await wt.git('commit', '-qam', 'cold');
      rows.push({ run: `cold #${i + 1}`, seconds: await timedPush(wt.dir, app) });
      // Warm: only app source changes; the modules layer comes from the cache.
      await writeFile(join(wt.dir, 'server.js'), `// warm ${i}\n${await readFile(join(wt.dir, 'server.js'), 'utf8')}`);
      await wt.git('commit', '-qam', 'warm');
      rows.push({ run: `warm #${i + 1}`, seconds: await timedPush(wt.dir, app) });
    } finally {
      await wt.cleanup();
    }
  }
  // New Node.js version: its unpacked release and stack image are removed first, so this push makes them.
  const version = process.env.BENCH_NODE_VERSION ?? '20.19.0';
  await p.docker.getImage(`slipway/stack-node:${version}`).remove().catch(() => undefined);
  await rm(join(TEST_CACHE_DIR, 'node', version), { recursive: true, force: true });
  const wt = await workTree('node-version');
  try {
    const pkg = JSON.parse(await readFile(join(wt.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(wt.dir, 'package.json'), JSON.stringify({ ...pkg, engines: { node: version } }, null, 2));
    await wt.git('commit', '-qam', 'new node');
    rows.push({ run: `new node ${version}`, seconds: await timedPush(wt.dir, await p.createApp('benchnode')) });
  } finally {
    await wt.cleanup();
  }
} finally {
  await p.close();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log('\npush-to-image: git push start -> image built and release recorded (node-local-dep)\n');
console.log('| run      | seconds |');
console.log('|----------|---------|');
for (const r of rows) console.log(`| ${r.run.padEnd(8)} | ${r.seconds.toFixed(2).padStart(7)} |`);
// (the new-Node row is one push, not part of the medians)
for (const kind of ['cold', 'warm']) {
  console.log(`| ${`${kind} med`.padEnd(8)} | ${median(rows.filter((r) => r.run.startsWith(kind)).map((r) => r.seconds)).toFixed(2).padStart(7)} |`);
}
