import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { push, workTree } from './git-helpers.ts';
import { fetchText, startPlatform, type Platform } from './platform.ts';

/**
 * Heroku's Node.js buildpack behaviour, pushed with stock git through the real builder:
 * the Node version the app asks for, its package manager, the lifecycle scripts, the
 * dependency layer kept for code-only changes, and output without Docker's step lines.
 * Images are checked by running them with Docker (no rollout), to keep the suite short.
 */
let p: Platform;
before(async () => {
  p = await startPlatform(2, { timeoutMs: 300_000 });
});
after(async () => {
  await p.close();
});

type Edit = (dir: string) => Promise<void>;

async function pushFixture(fixture: string, base: string, edit?: Edit, args: string[] = []) {
  const app = await p.createApp(base);
  const wt = await workTree(fixture);
  if (edit) {
    await edit(wt.dir);
    await wt.git('commit', '-qam', 'edited');
  }
  const result = await push(wt.dir, [...args, p.git.url(app), 'main']);
  return { app, wt, result, out: remote(result.output) };
}

/** What the builder said, without git's `remote: ` prefix and the padding after each line. */
const remote = (output: string): string =>
  output.split('\n').filter((l) => l.startsWith('remote: ')).map((l) => l.slice(8).trimEnd()).join('\n');

const setEngines = (node: string | null): Edit => async (dir) => {
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(await readFile(file, 'utf8')) as { engines?: Record<string, string> };
  if (node === null) delete pkg.engines;
  else pkg.engines = { node };
  await writeFile(file, `${JSON.stringify(pkg, null, 2)}\n`);
};

const imageOf = async (app: string) => (await p.db.release.findFirstOrThrow({ where: { app: { name: app } }, orderBy: { version: 'desc' } })).image!;

/** Runs a command in the image (as the app would run) and returns what it printed. */
async function inImage(image: string, script: string): Promise<string> {
  const c = await p.docker.createContainer({ Image: image, Cmd: ['/bin/sh', '-c', script], Tty: true });
  try {
    await c.start();
    await c.wait();
    return (await c.logs({ stdout: true, stderr: true })).toString().replace(/\r/g, '').trim();
  } finally {
    await c.remove({ force: true });
  }
}

const answer = async (image: string) => fetchText((await p.run(image)).url);

test('Node.js version: engines.node 22.x and 18.x, the LTS line when unspecified, an unsatisfiable range refused with the majors on offer', async () => {
  const [v22, v18, unspecified, none] = await Promise.all([
    pushFixture('node-version', 'node22'),
    pushFixture('node-version', 'node18', setEngines('18.x')),
    pushFixture('node-version', 'nodelts', setEngines(null)),
    pushFixture('node-version', 'node30', setEngines('30.x')),
  ]);
  try {
    for (const [push, major, why] of [[v22, '22', 'engines.node "22.x"'], [v18, '18', 'engines.node "18.x"'], [unspecified, '26', 'no version requested; default 26.x, the current LTS line']] as const) {
      assert.equal(push.result.code, 0, push.result.output);
      const line = new RegExp(`^-----> Using Node\\.js (${major}\\.\\d+\\.\\d+) \\(${why.replace(/[.()]/g, '\\$&')}\\)$`, 'm').exec(push.out);
      assert.ok(line, push.result.output);
      const image = await imageOf(push.app);
      assert.equal(await inImage(image, 'node -p process.version'), `v${line[1]}`);
      assert.equal(await answer(image), `v${line[1]} production\n`, 'the app runs on that version, with NODE_ENV=production');
    }
    assert.notEqual(none.result.code, 0);
    assert.match(none.out, /^!.*No Node\.js release satisfies engines\.node "30\.x"\. Available: 26\.x \(26\.\d+\.\d+\), 25\.x .*, 22\.x .*, 18\.x \(18\.\d+\.\d+\), 17\.x .*, 16\.x \(16\.\d+\.\d+\)$/m);
  } finally {
    await Promise.all([v22, v18, unspecified, none].map((x) => x.wt.cleanup()));
  }
});

test('package managers: yarn classic, yarn berry and pnpm through corepack at the packageManager version, devDependencies pruned', async () => {
  const cases = [
    { fixture: 'yarn-classic-app', tool: 'yarn 1.22.22' },
    { fixture: 'yarn-berry-app', tool: 'yarn 4.5.3' },
    { fixture: 'pnpm-app', tool: 'pnpm 9.15.0' },
  ];
  const pushes = await Promise.all(cases.map((c) => pushFixture(c.fixture, c.fixture.slice(0, 9))));
  try {
    for (const [i, c] of cases.entries()) {
      const { result, app, out } = pushes[i]!;
      assert.equal(result.code, 0, result.output);
      assert.match(out, new RegExp(`^-----> Installing dependencies with ${c.tool}$`, 'm'));
      assert.match(out, /^-----> Pruning devDependencies$/m);
      const image = await imageOf(app);
      assert.equal(await inImage(image, 'ls node_modules/ms/package.json; ls node_modules/is-number 2>/dev/null || echo no-dev'), 'node_modules/ms/package.json\nno-dev', c.fixture);
      assert.equal(await answer(image), 'an hour is 3600000 ms\n');
    }
  } finally {
    await Promise.all(pushes.map((x) => x.wt.cleanup()));
  }
});

test('TypeScript app: build compiles it, the image has its output and no devDependencies; heroku-postbuild wins over build, in the lifecycle order', async () => {
  const [ts, scripts] = await Promise.all([pushFixture('typescript-app', 'tsapp'), pushFixture('lifecycle-scripts', 'scripts')]);
  try {
    assert.equal(ts.result.code, 0, ts.result.output);
    assert.match(ts.out, /^-----> Running build\n\s+> typescript-app@1\.0\.0 build\n\s+> tsc$/m);
    const image = await imageOf(ts.app);
    assert.equal(await inImage(image, 'ls dist; ls node_modules/typescript 2>/dev/null || echo no-typescript'), 'server.js\nno-typescript');
    assert.equal(await answer(image), 'hello from typescript-app\n');

    assert.equal(scripts.result.code, 0, scripts.result.output);
    const phases = scripts.out.split('\n').filter((l) => l.startsWith('-----> ')).map((l) => l.slice(7));
    assert.deepEqual(phases.filter((l) => /^(Running|Installing|Pruning)/.test(l)).map((l) => l.replace(/ \d+\.\d+\.\d+$/, '')), [
      'Running heroku-prebuild',
      'Installing dependencies with npm',
      'Running heroku-postbuild',
      'Pruning devDependencies',
      'Running heroku-cleanup',
    ]);
    assert.equal(await answer(await imageOf(scripts.app)), 'heroku-prebuild\nheroku-postbuild\nheroku-cleanup\n');
  } finally {
    await Promise.all([ts, scripts].map((x) => x.wt.cleanup()));
  }
});

test('a code-only change reuses the dependency layer (the build says so); Docker steps only with git push -o verbose', async () => {
  const first = await pushFixture('pnpm-app', 'warm');
  try {
    assert.equal(first.result.code, 0, first.result.output);
    assert.doesNotMatch(first.result.output, /Step \d+\/\d+|Running in [0-9a-f]|Removing intermediate container/);
    assert.match(first.out, /^-----> Build succeeded: \d+\.\d MB image$/m);
    await writeFile(join(first.wt.dir, 'server.js'), `${await readFile(join(first.wt.dir, 'server.js'), 'utf8')}// code-only change\n`);
    await first.wt.git('commit', '-qam', 'code only');
    const second = await push(first.wt.dir, ['-o', 'verbose', p.git.url(first.app), 'main']);
    assert.equal(second.code, 0, second.output);
    const out = remote(second.output);
    assert.match(out, /^-----> Installing dependencies with pnpm 9\.15\.0\n\s+Dependencies unchanged: reusing the installed modules from the previous build$/m);
    assert.match(out, /^Step \d+\/\d+ : RUN .*pnpm install --frozen-lockfile\n\s*---> Using cache$/m, 'the engine\'s own lines, on request');
    assert.match(out, /^Step \d+\/\d+ : CMD /m);
  } finally {
    await first.wt.cleanup();
  }
});
