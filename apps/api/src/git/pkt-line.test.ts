import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PktReader, pktLine, sideband } from './pkt-line.ts';
import { parseCommands, refNameProblem } from './commands.ts';

test('pktLine and sideband frame data; PktReader reassembles any chunking', () => {
  assert.equal(pktLine('hi\n').toString(), '0007hi\n');
  assert.equal(sideband(2, 'x\n').toString('latin1'), '0007\x02x\n');
  const stream = Buffer.concat([pktLine('a\n'), Buffer.from('0000'), sideband(1, 'bc'), Buffer.from('00')]);
  const reader = new PktReader();
  const packets = [...stream].flatMap((byte) => reader.push(Buffer.from([byte])));
  assert.deepEqual(packets.map((p) => p.data?.toString('latin1') ?? null), ['a\n', null, '\x01bc']);
  assert.equal(reader.rest().toString(), '00');
});

test('sideband splits long data into 64k packets', () => {
  const big = sideband(2, Buffer.alloc(70000, 'x'));
  const packets = new PktReader().push(big);
  assert.equal(packets.length, 2);
  assert.equal(packets.reduce((n, p) => n + (p.data?.length ?? 0) - 1, 0), 70000);
});

test('parseCommands reads updates and first-line capabilities', () => {
  const a = 'a'.repeat(40);
  const z = '0'.repeat(40);
  const { updates, capabilities } = parseCommands([Buffer.from(`${z} ${a} refs/heads/main\0report-status side-band-64k agent=git/2\n`), Buffer.from(`${a} ${z} refs/heads/old`)]);
  assert.deepEqual(capabilities, ['report-status', 'side-band-64k', 'agent=git/2']);
  assert.deepEqual(updates, [{ oldSha: z, newSha: a, ref: 'refs/heads/main' }, { oldSha: a, newSha: z, ref: 'refs/heads/old' }]);
  assert.throws(() => parseCommands([Buffer.from('garbage')]), /Unexpected push command/);
});

test('refNameProblem refuses traversal and odd refs, accepts branches and tags', () => {
  for (const ok of ['refs/heads/main', 'refs/heads/feature/x-1', 'refs/tags/v1.0']) assert.equal(refNameProblem(ok), null);
  for (const bad of ['refs/heads/../../config', 'refs/heads/.hidden', 'refs/heads/a.lock', 'HEAD', 'refs/notes/x', 'refs/heads/a b', 'refs/heads/a//b', 'refs/heads/x@{1}']) {
    assert.notEqual(refNameProblem(bad), null, bad);
  }
});
