import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndjsonRecords, serverEvents } from './streams.ts';

/** A body delivered in the given chunks, split wherever the network might split it. */
const body = (...chunks: string[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
      controller.close();
    },
  });

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

test('server-sent events: JSON data, named events, keep-alives skipped, chunks split anywhere', async () => {
  const events = await collect(serverEvents(body(
    ': keep-alive\n\n',
    'data: {"line":"Step 1"}\n',
    '\ndata: {"li',
    'ne":"Step 2 é"}\n\n: keep-alive\n\n',
    'event: end\ndata: {"status":"failed","failure":"npm ci exited 1"}\n\n',
  )));
  assert.deepEqual(events, [
    { event: 'message', data: { line: 'Step 1' } },
    { event: 'message', data: { line: 'Step 2 é' } },
    { event: 'end', data: { status: 'failed', failure: 'npm ci exited 1' } },
  ]);
});

test('server-sent events: a multi-byte character split across chunks survives', async () => {
  const bytes = new TextEncoder().encode('data: {"line":"→"}\n\n');
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.slice(0, 16));
      c.enqueue(bytes.slice(16));
      c.close();
    },
  });
  assert.deepEqual(await collect(serverEvents(stream)), [{ event: 'message', data: { line: '→' } }]);
});

test('NDJSON: records across chunk boundaries, blank keep-alive lines, a last line without newline', async () => {
  const records = await collect(ndjsonRecords(body('{"dyno":"run.1"}\n{"line":"hi', '","stream":"stdout"}\n\n', '\n{"exitCode":3}')));
  assert.deepEqual(records, [{ dyno: 'run.1' }, { line: 'hi', stream: 'stdout' }, { exitCode: 3 }]);
});

test('NDJSON: a line that is not JSON is a clear one-line error', async () => {
  await assert.rejects(collect(ndjsonRecords(body('<html>\n'))), /Unexpected record in the API's stream: <html>/);
});
