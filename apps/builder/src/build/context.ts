import type { Readable } from 'node:stream';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';

export interface ExtraFile {
  name: string;
  content: string;
}

/**
 * The Docker build context: the commit's tar with generated files added. Only
 * files, folders and symlinks are kept (git's pax header and anything else are dropped).
 */
export function buildContext(archive: Readable, extra: ExtraFile[]): NodeJS.ReadableStream {
  const pack = tarPack();
  const extract = tarExtract();
  const names = new Set(extra.map((f) => f.name));
  extract.on('entry', (header, body, next) => {
    const keep = ['file', 'directory', 'symlink'].includes(header.type ?? '') && !names.has(header.name);
    if (!keep) {
      body.on('end', next).resume();
      return;
    }
    body.pipe(pack.entry(header, (err) => next(err)));
  });
  extract.on('finish', () => {
    for (const f of extra) pack.entry({ name: f.name, mode: 0o644 }, f.content);
    pack.finalize();
  });
  extract.on('error', (err) => pack.destroy(err));
  archive.on('error', (err) => pack.destroy(err));
  archive.pipe(extract);
  return pack as unknown as NodeJS.ReadableStream;
}
