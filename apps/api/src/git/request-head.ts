import { badRequest } from '@slipway/core';
import type { Readable } from 'node:stream';

/**
 * Reads pkt-lines from the start of a request up to the first flush packet and
 * pauses there. Returns the command lines and every byte consumed so far (which
 * must still be handed to git), without buffering the pack that follows. When
 * `withOptions` says the commands announced push options (`git push -o`), the
 * option lines up to the next flush are read too.
 */
export function readRequestHead(
  body: Readable,
  maxHeadBytes = 1 << 20,
  withOptions: (commands: Buffer[]) => boolean = () => false,
): Promise<{ lines: Buffer[]; options: string[]; consumed: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let buf: Buffer = Buffer.alloc(0);
    let offset = 0;
    const lines: Buffer[] = [];
    const options: Buffer[] = [];
    let section: Buffer[] = lines;
    const finish = (err?: Error) => {
      body.off('data', onData).off('end', onEnd).off('error', onError);
      body.pause();
      if (err) reject(err);
      else resolve({ lines, options: options.map((o) => o.toString('utf8').replace(/\n$/, '')), consumed: Buffer.concat(chunks) });
    };
    const onEnd = () => finish(badRequest('The push request ended before its command list'));
    // A body that fails to decode (bad gzip) is the client's fault, not ours.
    const onError = (err: Error) => finish(badRequest(`Unreadable push request body: ${err.message}`));
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      buf = Buffer.concat([buf, chunk]);
      while (buf.length - offset >= 4) {
        const len = Number.parseInt(buf.subarray(offset, offset + 4).toString('latin1'), 16);
        if (Number.isNaN(len) || (len > 0 && len < 4)) return finish(badRequest('Malformed push request: bad pkt-line length'));
        if (len === 0) {
          offset += 4;
          if (section === lines && withOptions(lines)) {
            section = options;
            continue;
          }
          return finish();
        }
        if (buf.length - offset < len) break;
        section.push(buf.subarray(offset + 4, offset + len));
        offset += len;
      }
      if (buf.length > maxHeadBytes) finish(badRequest('Push command list is too long'));
    };
    body.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
