import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInteractive } from './external-tool.ts';

test('a missing client is a one-line hint; a present one passes its exit code and environment through', async () => {
  await assert.rejects(runInteractive({ command: 'slipway-no-such-tool', args: [], env: {} }, 'install the x package'), {
    name: 'SlipwayCliError',
    message: 'slipway-no-such-tool not found: install the x package',
  });
  const code = await runInteractive({ command: process.execPath, args: ['-e', 'process.exit(process.env.PGPASSWORD === "s3cret" ? 3 : 1)'], env: { PGPASSWORD: 's3cret' } }, '');
  assert.equal(code, 3);
});
