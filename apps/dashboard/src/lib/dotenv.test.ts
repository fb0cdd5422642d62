import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDotenv, parseDotenv } from './dotenv.ts';

test('parses KEY=value lines with export, quotes, comments and blank lines', () => {
  const text = [
    '# database',
    'DATABASE_URL=postgres://u:p@h:5432/db',
    'export WORKERS="4"',
    "NAME='single # not a comment'",
    'GREETING="say \\"hi\\"\\nbye"',
    'EMPTY=',
    'PLAIN=value # trailing comment',
    'URL_WITH_HASH=http://x/#frag',
    '',
    '   ',
  ].join('\r\n');
  assert.deepEqual(parseDotenv(text), {
    vars: {
      DATABASE_URL: 'postgres://u:p@h:5432/db',
      WORKERS: '4',
      NAME: 'single # not a comment',
      GREETING: 'say "hi"\nbye',
      EMPTY: '',
      PLAIN: 'value',
      URL_WITH_HASH: 'http://x/#frag',
    },
    invalid: [],
  });
});

test('reports lines that are not KEY=value with their line numbers', () => {
  const { vars, invalid } = parseDotenv('GOOD=1\njust words\n1BAD=x\n=nokey\nOPEN="unterminated');
  assert.deepEqual(vars, { GOOD: '1' });
  assert.deepEqual(invalid.map((l) => l.line), [2, 3, 4, 5]);
});

test('formatDotenv output parses back to the same vars', () => {
  const key = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/);
  fc.assert(
    fc.property(fc.dictionary(key, fc.string({ maxLength: 40 })), (vars) => {
      // Leading/trailing spaces of unquoted values are trimmed by design, so values that need them get quoted.
      const { vars: back, invalid } = parseDotenv(formatDotenv(vars));
      assert.deepEqual(invalid, []);
      assert.deepEqual(back, { ...vars }); // fast-check's dictionaries have no prototype
    }),
  );
});
