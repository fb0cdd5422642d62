import type { Readable } from 'node:stream';

/**
 * Reads pkt-lines from the start of a request up to the first flush packet and
 * pauses there. Returns the command lines and every byte consumed so far (which
 * must still be handed to git), without buffering the pack that follows.
 */
export function readRequestHead(body: Readable, maxHeadBytes = 1 << 20): Promise<{ lines: Buffer[]; consumed: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let buf: Buffer = Buffer.alloc(0);
    let offset = 0;
    const lines: Buffer[] = [];
    const finish = (err?: Error) => {
      body.off('data', onData).off('end', onEnd).off('error', finish);
      body.pause();
      if (err) reject(err);
      else resolve({ lines, consumed: Buffer.concat(chunks) });
    };
    const onEnd = () => finish(new Error('Request ended before the push command list'));
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      buf = Buffer.concat([buf, chunk]);
      while (buf.length - offset >= 4) {
        const len = Number.parseInt(buf.subarray(offset, offset + 4).toString('latin1'), 16);
        if (Number.isNaN(len) || (len > 0 && len < 4)) return finish(new Error('Malformed push request'));
        if (len === 0) return finish();
        if (buf.length - offset < len) break;
        lines.push(buf.subarray(offset + 4, offset + len));
        offset += len;
      }
      if (buf.length > maxHeadBytes) finish(new Error('Push command list is too long'));
    };
    body.on('data', onData).on('end', onEnd).on('error', finish);
  });
}
