import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SlipwayError } from '@slipway/core';

/** What the builder reads of a package's abbreviated registry document. */
const packumentSchema = z.object({
  versions: z.record(
    z.string(),
    z.object({
      engines: z.record(z.string(), z.string()).optional().catch(undefined),
      dist: z.object({ tarball: z.url(), integrity: z.string().optional() }),
    }),
  ),
});
export type Packument = z.infer<typeof packumentSchema>;

/** How long a fetched package document counts as current: new Node releases show up within this. */
const FRESH_MS = 60 * 60 * 1000;

/**
 * The npm registry as the builder uses it for the stack: package documents (cached on disk
 * for an hour, and used stale when the registry cannot be reached) and tarballs (cached on
 * disk for good, checked against the registry's integrity hash).
 */
export class RegistryCache {
  private readonly memo = new Map<string, { at: number; doc: Packument }>();

  constructor(
    /** The builder's cache folder; package documents and tarballs go under it. */
    readonly dir: string,
    private readonly registry: string,
  ) {}

  async packument(name: string): Promise<Packument> {
    const seen = this.memo.get(name);
    if (seen && Date.now() - seen.at < FRESH_MS) return seen.doc;
    const file = join(this.dir, 'packuments', `${encodeURIComponent(name)}.json`);
    const onDisk = await stat(file).catch(() => null);
    if (onDisk && Date.now() - onDisk.mtimeMs < FRESH_MS) return this.remember(name, onDisk.mtimeMs, await readFile(file, 'utf8'));
    try {
      const res = await fetch(new URL(encodeURIComponent(name).replace('%40', '@'), this.base()), { headers: { accept: 'application/vnd.npm.install-v1+json' }, signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      const doc = this.remember(name, Date.now(), text);
      await atomicWrite(file, text);
      return doc;
    } catch (err) {
      if (onDisk) return this.remember(name, Date.now(), await readFile(file, 'utf8'));
      throw new SlipwayError('unavailable', `Could not read the package ${name} from the npm registry (${this.registry}): ${(err as Error).message}`);
    }
  }

  /** The package tarball's path on disk, downloaded once and checked against its integrity hash. */
  async tarball(name: string, version: string, log: (line: string) => void): Promise<string> {
    const meta = (await this.packument(name)).versions[version];
    if (!meta) throw new SlipwayError('unprocessable', `The npm registry has no ${name}@${version}`);
    const file = join(this.dir, 'tarballs', `${encodeURIComponent(name)}-${version}.tgz`);
    if (await stat(file).catch(() => null)) return file;
    log(`Downloading ${name}@${version}`);
    const res = await fetch(meta.dist.tarball, { signal: AbortSignal.timeout(10 * 60_000) });
    if (!res.ok) throw new SlipwayError('unavailable', `Downloading ${name}@${version} failed: HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    const [algorithm, expected] = (meta.dist.integrity ?? '').split('-', 2);
    if (algorithm && expected && createHash(algorithm).update(body).digest('base64') !== expected) {
      throw new SlipwayError('unavailable', `Downloading ${name}@${version} gave a file that does not match the registry's ${algorithm} hash`);
    }
    await atomicWrite(file, body);
    return file;
  }

  private keys: { at: number; value: string } | null = null;

  /**
   * What corepack checks package manager downloads against (COREPACK_INTEGRITY_KEYS): the
   * registry's published signing keys, or "0" when it publishes none (a mirror), where
   * corepack's signature check could only fail and the registry's integrity hashes are the check.
   */
  async corepackKeys(): Promise<string> {
    if (this.keys && Date.now() - this.keys.at < FRESH_MS) return this.keys.value;
    let value = '0';
    try {
      const res = await fetch(new URL('-/npm/v1/keys', this.base()), { signal: AbortSignal.timeout(30_000) });
      const keys = res.ok ? z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).safeParse(await res.json()) : null;
      if (keys?.success) value = JSON.stringify({ npm: keys.data.keys });
    } catch {
      // unreachable: same as none published
    }
    this.keys = { at: Date.now(), value };
    return value;
  }

  private base(): string {
    return this.registry.endsWith('/') ? this.registry : `${this.registry}/`;
  }

  private remember(name: string, at: number, text: string): Packument {
    const doc = packumentSchema.parse(JSON.parse(text));
    this.memo.set(name, { at, doc });
    return doc;
  }
}

/** Written beside and renamed into place, so a reader never sees half a file. */
async function atomicWrite(file: string, data: string | Buffer): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
