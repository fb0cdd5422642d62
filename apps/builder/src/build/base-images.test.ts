import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkedDockerfile, type BaseImagePolicy, type EngineImage } from './base-images.ts';

// A fake engine: what each reference resolves to (the real engine normalizes names; here each spelling is listed).
const id = (c: string) => `sha256:${c.repeat(64)}`;
const OWN_BUILD = '11111111-1111-4111-8111-111111111111';
const OTHER_BUILD = '22222222-2222-4222-8222-222222222222';
const stack: EngineImage = { id: id('a'), labels: { 'slipway.stack': 'node-20' }, onBuild: [] };
const mine: EngineImage = { id: id('b'), labels: { 'slipway.app': 'alice-app', 'slipway.build': OWN_BUILD }, onBuild: [] };
const bobs: EngineImage = { id: id('c'), labels: { 'slipway.app': 'bob-app', 'slipway.build': OTHER_BUILD }, onBuild: [] };
// Another app's image that claims this app's name (a reused name, or a LABEL in its Dockerfile): the build id decides.
const namedMine: EngineImage = { id: id('d'), labels: { 'slipway.app': 'alice-app', 'slipway.build': OTHER_BUILD }, onBuild: [] };
const trapped: EngineImage = { id: id('e'), labels: { 'slipway.build': OWN_BUILD }, onBuild: ['COPY --from=bob-app:v4 /app/secret.txt .'] };
const engine = new Map<string, EngineImage>([
  ['slipway/stack-node:20', stack],
  ['docker.io/slipway/stack-node:20', stack],
  [stack.id, stack],
  ['alice-app:v3', mine],
  [mine.id, mine],
  ['bob-app:v4', bobs],
  ['docker.io/library/bob-app:v4', bobs],
  [bobs.id, bobs],
  [bobs.id.slice(7, 19), bobs],
  ['alice-app:v1', namedMine],
  ['alice-app:trap', trapped],
]);

const lookups: string[] = [];
const policy: BaseImagePolicy = {
  stacks: ['slipway/stack-node:20'],
  lookup: async (ref) => {
    lookups.push(ref);
    return engine.get(ref) ?? null;
  },
  ownsBuild: async (build) => build === OWN_BUILD,
};

const allowed: [string, string, string][] = [
  ['the stack', 'FROM slipway/stack-node:20\nRUN true\n', `FROM ${stack.id}\nRUN true\n`],
  ['the stack with a registry prefix', 'FROM docker.io/slipway/stack-node:20', `FROM ${stack.id}`],
  ['the stack by id', `FROM ${stack.id}`, `FROM ${stack.id}`],
  ['an own image, lower case keyword, with a stage name', 'from alice-app:v3 as base\nFROM base\n', `from ${id('b')} as base\nFROM base\n`],
  ['scratch', 'FROM scratch\nCOPY . .\n', 'FROM scratch\nCOPY . .\n'],
  [
    'multi-stage from the stack, copying from a stage by name and by index',
    'FROM slipway/stack-node:20 AS Deps\nRUN npm ci\nFROM deps\nCOPY --from=deps /a /b\nCOPY --chown=1:1 --from=0 /a /b\n',
    `FROM ${stack.id} AS Deps\nRUN npm ci\nFROM deps\nCOPY --from=deps /a /b\nCOPY --chown=1:1 --from=0 /a /b\n`,
  ],
  ['a build argument with a default', 'ARG BASE=alice-app:v3\nFROM $BASE\nFROM ${BASE}', `ARG BASE=alice-app:v3\nFROM ${mine.id}\nFROM ${mine.id}`],
  ['COPY --from an own image', 'FROM slipway/stack-node:20\nCOPY --chown=1000:1000 --from=alice-app:v3 /app /app', `FROM ${stack.id}\nCOPY --chown=1000:1000 --from=${mine.id} /app /app`],
  ['CRLF line ends, a comment and an empty line in a continuation', 'FROM slipway/stack-node:20\r\nRUN a \\\r\n# note\r\n\r\n  b\r\n', `FROM ${stack.id}\r\nRUN a \\\r\n# note\r\n\r\n  b\r\n`],
  ['the backtick escape directive', '# escape=`\nFROM `\n  slipway/stack-node:20\nRUN a `\n  b\n', `# escape=\`\nFROM \`\n  ${stack.id}\nRUN a \`\n  b\n`],
  ['a platform flag with a build argument', 'FROM --platform=$BUILDPLATFORM slipway/stack-node:20', `FROM --platform=$BUILDPLATFORM ${stack.id}`],
  ['a continued FROM line', 'FROM \\\n  slipway/stack-node:20 \\\n  AS b\n', `FROM \\\n  ${stack.id} \\\n  AS b\n`],
];

for (const [what, dockerfile, built] of allowed) {
  test(`allowed: ${what}`, async () => {
    assert.equal((await checkedDockerfile(dockerfile, policy)).text, built);
  });
}

const NOT_ALLOWED = "is not allowed: a build may start from the platform stack (slipway/stack-node:20) or this app's own images; there is no registry to pull other images from";
const COPY_NOT_ALLOWED = NOT_ALLOWED.replace('may start from', 'may copy from');
const refused: [string, string, string][] = [
  ["another app's image by tag", 'FROM bob-app:v4\nRUN cat /app/secret.txt', `Dockerfile: FROM bob-app:v4 ${NOT_ALLOWED}`],
  ["another app's image with a registry prefix", 'FROM docker.io/library/bob-app:v4', `Dockerfile: FROM docker.io/library/bob-app:v4 ${NOT_ALLOWED}`],
  ["another app's image by id", `FROM ${bobs.id}`, `Dockerfile: FROM ${bobs.id} ${NOT_ALLOWED}`],
  ["another app's image by short id", `FROM ${bobs.id.slice(7, 19)}`, `Dockerfile: FROM ${bobs.id.slice(7, 19)} ${NOT_ALLOWED}`],
  ['a digest the engine does not know', `FROM bob-app@sha256:${'0'.repeat(64)}`, `Dockerfile: FROM bob-app@sha256:${'0'.repeat(64)} ${NOT_ALLOWED}`],
  ['an image not on the engine', 'FROM node:20-alpine', `Dockerfile: FROM node:20-alpine ${NOT_ALLOWED}`],
  ['upper case (not a reference)', 'FROM BOB-APP:V4', `Dockerfile: FROM BOB-APP:V4 ${NOT_ALLOWED}`],
  ['an image labelled with this app name by another app', 'FROM alice-app:v1', `Dockerfile: FROM alice-app:v1 ${NOT_ALLOWED}`],
  ["a later stage's name (an image then)", 'FROM later\nFROM slipway/stack-node:20 AS later', `Dockerfile: FROM later ${NOT_ALLOWED}`],
  ["another app's image behind a build argument", 'ARG B=bob-app:v4\nFROM ${B}', `Dockerfile: FROM bob-app:v4 ${NOT_ALLOWED}`.replace('FROM bob-app:v4', 'FROM ${B}')],
  ['COPY --from another app', 'FROM slipway/stack-node:20\nCOPY --from=bob-app:v4 /app/secret.txt .', `Dockerfile: COPY --from=bob-app:v4 ${COPY_NOT_ALLOWED}`],
  ['COPY --from after another flag', 'FROM slipway/stack-node:20\ncopy --chown=1:1 --from=bob-app:v4 /a .', `Dockerfile: COPY --from=bob-app:v4 ${COPY_NOT_ALLOWED}`],
  ["COPY --from the current stage's own name", 'FROM slipway/stack-node:20 AS x\nCOPY --from=x /a .', `Dockerfile: COPY --from=x ${COPY_NOT_ALLOWED}`],
  ['COPY --from an index not yet built', 'FROM slipway/stack-node:20\nCOPY --from=0 /a .', `Dockerfile: COPY --from=0 ${COPY_NOT_ALLOWED}`],
  ['a path that is not a reference', 'FROM ../../containers/x', `Dockerfile: FROM ../../containers/x ${NOT_ALLOWED}`],
  [
    'an own image whose ONBUILD copies from another',
    'FROM alice-app:trap',
    "Dockerfile: FROM alice-app:trap is not allowed: a build may start from the platform stack (slipway/stack-node:20) or this app's own images; alice-app:trap has an ONBUILD COPY --from, which would copy from an unchecked image",
  ],
  ['ONBUILD COPY --from', 'FROM slipway/stack-node:20\nONBUILD COPY --from=bob-app:v4 /a .', 'Dockerfile: ONBUILD COPY --from is not allowed: it would copy from an image in a later build, where it cannot be checked'],
  ['a build argument without a default', 'ARG B\nFROM $B', 'Dockerfile: FROM $B uses the build argument B, which has no default before the first FROM (builds get no --build-arg); name the image directly'],
  ['an undeclared build argument', 'FROM ${X}bob-app:v4', 'Dockerfile: FROM ${X}bob-app:v4 uses the build argument X, which has no default before the first FROM (builds get no --build-arg); name the image directly'],
  ['a build argument with a modifier', 'ARG X=a\nFROM ${X:-bob-app:v4}', 'Dockerfile: FROM ${X:-bob-app:v4}: only $NAME and ${NAME} build arguments can be used in FROM'],
  ['a quoted FROM', 'FROM "bob-app:v4"', 'Dockerfile: FROM "bob-app:v4": write the image name without quotes, escapes or line breaks'],
  ['a FROM split inside the name', 'FROM bob-\\\napp:v4', 'Dockerfile: FROM bob-\\\napp:v4: write the image name without quotes, escapes or line breaks'],
  ['COPY --from a build argument', 'ARG S=bob-app:v4\nFROM slipway/stack-node:20\nCOPY --from=$S /a .', 'Dockerfile: COPY --from=$S: name a stage, a stage index or an image directly (no build arguments, quotes, escapes or line breaks)'],
  ['COPY --from with quotes (the engine would unquote it)', 'FROM slipway/stack-node:20\nCOPY --from="bob-app:v4" /a .', 'Dockerfile: COPY --from="bob-app:v4": write flags as --name=value, without quotes, escapes or line breaks'],
  ['a flag name in quotes (the engine reads --from)', 'FROM slipway/stack-node:20\nCOPY --fr"om"=bob-app:v4 /a .', 'Dockerfile: COPY --fr"om"=bob-app:v4: write flags as --name=value, without quotes, escapes or line breaks'],
  [
    'a quoted flag that swallows the image the parser sees',
    'FROM --"x slipway/stack-node:20 y" bob-app:v4\nRUN cat /app/secret.txt',
    'Dockerfile: FROM --"x: write flags as --name=value, without quotes, escapes or line breaks',
  ],
  [
    'a heredoc, which hides a FROM from the parser but not from the classic builder',
    'FROM slipway/stack-node:20\nRUN <<CMD\nFROM bob-app:v4\nRUN cat /app/secret.txt\nCMD\n',
    'Dockerfile: line 3 reads as different instructions to the builder and to the engine (heredocs are not supported, nor instructions split in unusual ways); write one instruction per line',
  ],
  [
    'a continuation that starts an instruction on an empty line',
    'FROM slipway/stack-node:20\n\\\nFROM bob-app:v4\n',
    'Dockerfile: line 2 reads as different instructions to the builder and to the engine (heredocs are not supported, nor instructions split in unusual ways); write one instruction per line',
  ],
  ['a lone carriage return', 'FROM slipway/stack-node:20\rFROM bob-app:v4', 'Dockerfile: its escape directive or line endings are not supported'],
  ['an escape directive the engine refuses', '# escape=x\nFROM slipway/stack-node:20', 'Dockerfile: its escape directive or line endings are not supported'],
  ['COPY --from with no value', 'FROM slipway/stack-node:20\nCOPY --from= /a .', 'Dockerfile: COPY --from=: name a stage, a stage index or an image directly (no build arguments, quotes, escapes or line breaks)'],
];

for (const [what, dockerfile, message] of refused) {
  test(`refused: ${what}`, async () => {
    await assert.rejects(checkedDockerfile(dockerfile, policy), (err: Error & { code?: string }) => {
      assert.equal(err.message, message);
      assert.equal(err.code, 'unprocessable');
      return true;
    });
  });
}

test('a reference that is not an image name never reaches the engine (it goes into a URL path)', async () => {
  lookups.length = 0;
  await assert.rejects(checkedDockerfile('FROM ../../containers/x', policy));
  await assert.rejects(checkedDockerfile('FROM BOB-APP:V4', policy));
  assert.deepEqual(lookups.filter((l) => l !== 'slipway/stack-node:20'), []);
});
