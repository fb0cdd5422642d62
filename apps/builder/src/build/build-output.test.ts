import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOutput } from './build-output.ts';

test('engine step lines go to detail; tool output is indented under the phase lines; a cached step says so', () => {
  const lines: string[] = [];
  const details: string[] = [];
  const out = buildOutput([{ instruction: 'RUN install', cached: ['-----> Installing dependencies with npm', '       reused'] }, { instruction: 'RUN finish', cached: [] }], (l) => lines.push(l), (l) => details.push(l));
  for (const l of [
    'Step 1/5 : FROM slipway/stack-node:22.12.0',
    ' ---> 1a2b3c',
    'Step 2/5 : RUN install',
    ' ---> Using cache',
    ' ---> 4d5e6f',
    'Step 3/5 : RUN finish',
    ' ---> Running in 0123456789ab',
    '-----> Running build',
    '> app@1.0.0 build',
    '!      a warning',
    'Removing intermediate container 0123456789ab',
    'Successfully built 7a8b9c',
    'Successfully tagged app:build-1',
  ]) out(l);
  assert.deepEqual(lines, ['-----> Installing dependencies with npm', '       reused', '-----> Running build', '       > app@1.0.0 build', '!      a warning']);
  assert.equal(details.length, 10);
  assert.ok(details.every((d) => !d.startsWith('-----> ')));
});
