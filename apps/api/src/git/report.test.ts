import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejectInReport } from './report.ts';

test('rejectInReport turns failed deploys into ng lines and keeps the rest', () => {
  const report = ['unpack ok\n', 'ok refs/heads/main\n', 'option refname refs/heads/main\n', 'ok refs/heads/dev\n', 'option old-oid abc\n'];
  assert.deepEqual(rejectInReport(report, new Map([['refs/heads/main', 'build failed:\n  npm run build exited 1']])), [
    'unpack ok\n',
    'ng refs/heads/main build failed: npm run build exited 1\n',
    'ok refs/heads/dev\n',
    'option old-oid abc\n',
  ]);
});
