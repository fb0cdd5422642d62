import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlipwayCliError } from './errors.ts';
import { commandLine, parseConfigPair, parseConfigPairs, parseScale, parseScales, parseVersion } from './parse.ts';

const usage = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof SlipwayCliError && e.exitCode === 2 && message.test(e.message));

test('KEY=value splits at the first =, keeping = and spaces in the value', () => {
  assert.deepEqual(parseConfigPair('DATABASE_URL=postgres://u:p@h/db?a=b'), ['DATABASE_URL', 'postgres://u:p@h/db?a=b']);
  assert.deepEqual(parseConfigPair('SECRET=abc=='), ['SECRET', 'abc==']);
  assert.deepEqual(parseConfigPair('EMPTY='), ['EMPTY', '']);
  assert.deepEqual(parseConfigPair('MSG=hello world'), ['MSG', 'hello world']);
  usage(() => parseConfigPair('NOVALUE'), /"NOVALUE" is not KEY=value/);
  usage(() => parseConfigPair('=value'), /is not KEY=value/);
  assert.deepEqual(parseConfigPairs(['A=1', 'B=2', 'A=3']), { A: '3', B: '2' });
});

test('ps:scale takes TYPE=QUANTITY[:SIZE]', () => {
  assert.deepEqual(parseScale('web=2'), { type: 'web', quantity: 2 });
  assert.deepEqual(parseScale('web=2:basic'), { type: 'web', quantity: 2, size: 'basic' });
  assert.deepEqual(parseScale('worker=0'), { type: 'worker', quantity: 0 });
  assert.deepEqual(parseScale('web=:performance'), { type: 'web', size: 'performance' });
  for (const bad of ['web', 'web=', 'web=two', 'web=-1', '=2', 'web=2:', 'web=2:Basic', 'web 2']) {
    usage(() => parseScale(bad), /is not TYPE=QUANTITY\[:SIZE\]/);
  }
  assert.equal(parseScales(['web=2', 'worker=1']).length, 2);
  usage(() => parseScales(['web=2', 'web=3']), /web is given twice/);
});

test('release versions are vN or N', () => {
  assert.equal(parseVersion('v12'), 12);
  assert.equal(parseVersion('3'), 3);
  for (const bad of ['v0', 'x3', 'v', '', '1.5', 'v-1']) usage(() => parseVersion(bad), /is not a release version/);
});

test('run: one argument is a command line as is; several are quoted words', () => {
  assert.equal(commandLine(['npm run migrate && npm start']), 'npm run migrate && npm start');
  assert.equal(commandLine(['ls', '-la', '/app']), 'ls -la /app');
  assert.equal(commandLine(['sh', '-c', "echo it's $HOME"]), `sh -c 'echo it'\\''s $HOME'`);
  usage(() => commandLine([]), /No command given/);
  usage(() => commandLine(['  ']), /No command given/);
});
