import { Transform, type TransformCallback } from 'node:stream';
import type { Socket } from 'node:net';
import { BodyTooLargeError } from './failures.ts';

/** Counts open connections per client address for the per-client limit. */
export class ClientConnections {
  private readonly open = new Map<string, number>();

  track(socket: Socket): void {
    const ip = socket.remoteAddress ?? '';
    this.open.set(ip, (this.open.get(ip) ?? 0) + 1);
    socket.once('close', () => {
      const n = (this.open.get(ip) ?? 1) - 1;
      if (n <= 0) this.open.delete(ip);
      else this.open.set(ip, n);
    });
  }

  count(ip: string | undefined): number {
    return this.open.get(ip ?? '') ?? 0;
  }
}

/** Passes a body of unknown length through, failing once it exceeds `max` bytes. */
export function bodyLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      seen += chunk.length;
      if (seen > max) cb(new BodyTooLargeError(`request body over ${max} bytes`));
      else cb(null, chunk);
    },
  });
}
