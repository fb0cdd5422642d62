import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { helloApp, type Tenant } from './harness.ts';
import { world } from './world.ts';

// Issue 14, hole 1: a build started FROM (or copied from) another team's image and printed its private files.
const docker = new Docker();
const secret = `bob-secret-${randomBytes(8).toString('hex')}`;
// The stacks on offer are listed: one per Node.js release some build used (slipway/stack-node:20, :22.23.5, …).
const ALLOWED = "a build may start from the platform stack \\((slipway/stack-node:[\\d.]+(, )?)+\\) or this app's own images";

/** Commits `files` into the tenant's checkout of `app` and pushes it with stock git. */
async function pushFiles(t: Tenant, app: string, files: Record<string, string>, message: string) {
  const dir = world.dir(t, app);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  for (const args of [['add', '.'], ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-qm', message]]) {
    const r = await t.shell.exec('git', args, { cwd: dir });
    assert.equal(r.code, 0, r.out);
  }
  return world.push(t, app);
}

const bobsImages = (app: string) => docker.listImages({ filters: JSON.stringify({ label: [`slipway.app=${app}`] }) });

export function attacks(): void {
  describe('outsider: builds use only the stack and their own app\'s images', { timeout: 900_000 }, () => {
    let appA = '';
    let appB = '';
    let bobImageId = '';
    before(async () => {
      appA = world.appName('builds-a');
      appB = world.appName('builds-b');
      const [a, b] = await Promise.all([
        world.deploy(world.alice, appA, helloApp('alice-app')),
        world.deploy(world.bob, appB, { ...helloApp('bob-app'), 'secret.txt': `${secret}\n` }),
      ]);
      assert.equal(a.code, 0, a.out);
      assert.equal(b.code, 0, b.out);
      // An attacker who learnt the id too (it is not shown to other teams): the worst case.
      bobImageId = (await docker.getImage(`${appB}:v1`).inspect()).Id;
    });

    test("alice's Dockerfile cannot start from or copy from bob's image, by tag, registry prefix, id, short id, build argument or heredoc", async () => {
      const attacks: [string, string, RegExp][] = [
        ['tag', `FROM ${appB}:v1\nRUN cat /app/secret.txt\n`, new RegExp(`Dockerfile: FROM ${appB}:v1 is not allowed: ${ALLOWED}`)],
        ['registry prefix', `FROM docker.io/library/${appB}:v1\nRUN cat /app/secret.txt\n`, new RegExp(`Dockerfile: FROM docker.io/library/${appB}:v1 is not allowed: ${ALLOWED}`)],
        ['image id', `FROM ${bobImageId}\nRUN cat /app/secret.txt\n`, new RegExp(`Dockerfile: FROM ${bobImageId} is not allowed: ${ALLOWED}`)],
        ['short id', `FROM ${bobImageId.slice(7, 19)}\nRUN cat /app/secret.txt\n`, new RegExp(`Dockerfile: FROM ${bobImageId.slice(7, 19)} is not allowed`)],
        [
          'COPY --from',
          `FROM slipway/stack-node:20\nCOPY --from=${appB}:v1 /app/secret.txt .\nRUN cat secret.txt\n`,
          new RegExp(`Dockerfile: COPY --from=${appB}:v1 is not allowed: a build may copy from the platform stack`),
        ],
        [
          'a heredoc (the classic builder runs its lines as instructions)',
          `FROM slipway/stack-node:20\nRUN <<CMD\nFROM ${appB}:v1\nRUN cat /app/secret.txt\nCMD\n`,
          /Dockerfile: line 3 reads as different instructions to the builder and to the engine/,
        ],
        [
          'a build argument',
          `ARG BASE=${appB}:v1\nFROM \${BASE}\nRUN cat /app/secret.txt\n`,
          new RegExp(`Dockerfile: FROM \\$\\{BASE\\} is not allowed: ${ALLOWED}`),
        ],
      ];
      for (const [how, dockerfile, refusal] of attacks) {
        const r = await pushFiles(world.alice, appA, { Dockerfile: dockerfile }, `steal by ${how}`);
        assert.notEqual(r.code, 0, `${how}: the push must fail\n${r.out}`);
        assert.match(r.out, refusal, how);
        assert.doesNotMatch(r.out, new RegExp(secret), `${how}: bob's secret in alice's build output`);
      }
      const releases = await world.alice.api('GET', `/v1/apps/${appA}/releases`);
      assert.equal((releases.body as { items: unknown[] }).items.length, 1, 'no attack made a release');
    });

    test("alice's own multi-stage Dockerfile from the stack and from her own earlier image still builds and serves", async () => {
      const dockerfile = [
        'FROM slipway/stack-node:20 AS base',
        'WORKDIR /app',
        'COPY server.js package.json ./',
        `FROM ${appA}:v1 AS earlier`,
        'FROM base',
        'COPY --from=earlier /app/package.json /app/earlier-package.json',
        'USER app',
        'ENV PORT=5000',
        'CMD ["node", "server.js"]',
        '',
      ].join('\n');
      // The Procfile names the command: a Dockerfile app without one gets an empty `web` command on the nodes (reported separately).
      const r = await pushFiles(world.alice, appA, { ...helloApp('alice-v2'), Dockerfile: dockerfile, Procfile: 'web: node server.js\n' }, 'multi-stage');
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, new RegExp(`Using ${appA}:v1 \\(image [0-9a-f]{12}\\)`));
      const deadline = Date.now() + 120_000;
      let last = '';
      while (Date.now() < deadline) {
        last = (await world.viaRouter(`${appA}.slipway.localhost`).catch(() => ({ body: '' }))).body;
        if (last.startsWith('alice-v2 ')) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      assert.match(last, /^alice-v2 web\.\d+/);
    });

    test("bob's images are gone from the control plane's engine when apps:destroy returns; a new app of the same name inherits nothing", async () => {
      assert.ok((await bobsImages(appB)).length > 0);
      await world.bob.shell.ok(['apps:destroy', '-a', appB, '--confirm', appB], 120_000);
      assert.deepEqual((await bobsImages(appB)).map((i) => i.RepoTags), []);
      assert.equal(await docker.getImage(bobImageId).inspect().then(() => true, () => false), false);

      // Alice takes the freed name and asks for the old tag: there is nothing to start from.
      const reused = await world.deploy(world.alice, appB, { Dockerfile: `FROM ${appB}:v1\nRUN cat /app/secret.txt\n` });
      assert.notEqual(reused.code, 0, reused.out);
      assert.match(reused.out, new RegExp(`Dockerfile: FROM ${appB}:v1 is not allowed`));
      assert.doesNotMatch(reused.out, new RegExp(secret));
    });
  });
}
