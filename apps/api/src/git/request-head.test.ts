import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { FLUSH, pktLine } from './pkt-line.ts';
import { readRequestHead } from './request-head.ts';

const OLD = '0'.repeat(40);
const NEW = '1'.repeat(40);
const wantsOptions = (commands: Buffer[]) => (commands[0]?.toString().trim().split('\0')[1] ?? '').split(' ').includes('push-options');

test('push options (`git push -o`) after the commands are read; the pack after them is not', async () => {
  const head = Buffer.concat([pktLine(`${OLD} ${NEW} refs/heads/main\0report-status side-band-64k push-options\n`), FLUSH, pktLine('verbose\n'), pktLine('ci.skip\n'), FLUSH]);
  const pack = Buffer.from('PACK....');
  const body = Readable.from([head.subarray(0, 30), head.subarray(30), pack]);
  const { lines, options, consumed } = await readRequestHead(body, undefined, wantsOptions);
  assert.equal(lines.length, 1);
  assert.deepEqual(options, ['verbose', 'ci.skip']);
  assert.ok(consumed.length >= head.length, 'every byte read is handed on to git');
});

test('without the push-options capability the head ends at the first flush', async () => {
  const head = Buffer.concat([pktLine(`${OLD} ${NEW} refs/heads/main\0report-status\n`), FLUSH]);
  const { lines, options } = await readRequestHead(Readable.from([Buffer.concat([head, Buffer.from('PACK')])]), undefined, wantsOptions);
  assert.equal(lines.length, 1);
  assert.deepEqual(options, []);
});
