import type { Redis } from 'ioredis';

// Take the lease when free, extend it when ours; atomic so two schedulers never both win.
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** A leader lease in Redis: exactly one holder; it lapses `ttlMs` after the holder stops renewing. */
export class LeaderLease {
  constructor(private readonly redis: Redis, private readonly key: string, readonly holderId: string, private readonly ttlMs: number) {}

  async acquire(): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key, this.holderId, String(this.ttlMs))) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.holderId);
  }

  holder(): Promise<string | null> {
    return this.redis.get(this.key);
  }
}
