import { createCipheriv, createDecipheriv, randomBytes, createHash } from 'node:crypto';

/**
 * AES-256-GCM encryption for secrets at rest (config vars, add-on credentials).
 * Keys come from SLIPWAY_SECRET_KEYS: comma-separated base64 keys of 32 bytes,
 * the first used for new writes and all tried for reads, so a key can be rotated
 * by prepending a new one and re-encrypting.
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly primaryId: string;

  constructor(keysBase64: string[]) {
    if (keysBase64.length === 0) throw new Error('SecretBox needs at least one key');
    this.keys = new Map();
    for (const k of keysBase64) {
      const key = Buffer.from(k, 'base64');
      if (key.length !== 32) throw new Error('Each secret key must be 32 bytes, base64-encoded');
      this.keys.set(keyId(key), key);
    }
    this.primaryId = keyId(Buffer.from(keysBase64[0]!, 'base64'));
  }

  static fromEnv(value: string | undefined): SecretBox {
    if (!value) throw new Error('SLIPWAY_SECRET_KEYS is not set (generate one with: openssl rand -base64 32)');
    return new SecretBox(value.split(',').map((s) => s.trim()).filter(Boolean));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.primaryId)!, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', this.primaryId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(sealed: string): string {
    const [version, id, iv, tag, ct] = sealed.split('.');
    if (version !== 'v1' || !id || iv === undefined || tag === undefined || ct === undefined) throw new Error('Malformed sealed secret');
    const key = this.keys.get(id);
    if (!key) throw new Error(`Secret was sealed with unknown key ${id}; add it to SLIPWAY_SECRET_KEYS`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** True when the value is sealed with an older key and should be re-encrypted. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.primaryId;
  }

  encryptJson(value: unknown): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson<T>(sealed: string): T {
    return JSON.parse(this.decrypt(sealed)) as T;
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}
