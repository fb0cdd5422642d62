/** Git's pkt-line framing: 4 hex digits of length (including themselves), then data; "0000" flushes. */
export const FLUSH = Buffer.from('0000');
const MAX_DATA = 65516; // 65520-byte packets minus the 4-byte header
const SIDEBAND_MAX_DATA = MAX_DATA - 1;

export function pktLine(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  if (body.length > MAX_DATA) throw new Error('pkt-line too long');
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
}

/** side-band-64k: band 1 carries protocol data, 2 progress text, 3 a fatal error. */
export function sideband(band: 1 | 2 | 3, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const out: Buffer[] = [];
  let i = 0;
  do {
    out.push(pktLine(Buffer.concat([Buffer.from([band]), body.subarray(i, i + SIDEBAND_MAX_DATA)])));
    i += SIDEBAND_MAX_DATA;
  } while (i < body.length);
  return Buffer.concat(out);
}

/** A parsed packet: `null` data is a flush (or delimiter) packet. */
export interface Packet {
  data: Buffer | null;
  raw: Buffer;
}

/** Incremental parser: feed bytes in any chunking, get whole packets out. */
export class PktReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Packet[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const packets: Packet[] = [];
    while (this.buf.length >= 4) {
      const len = Number.parseInt(this.buf.subarray(0, 4).toString('latin1'), 16);
      if (Number.isNaN(len) || (len > 0 && len < 4)) throw new Error('Malformed pkt-line stream');
      const size = len === 0 || len < 4 ? 4 : len;
      if (this.buf.length < size) break;
      const raw = this.buf.subarray(0, size);
      packets.push({ raw, data: len < 4 ? null : raw.subarray(4) });
      this.buf = this.buf.subarray(size);
    }
    return packets;
  }

  /** Bytes received but not yet part of a whole packet. */
  rest(): Buffer {
    return this.buf;
  }
}
