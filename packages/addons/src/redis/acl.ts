import { createHash } from 'node:crypto';

/**
 * Why an ACL user per add-on rather than a Redis server per add-on: one managed
 * server needs no process supervision, port allocation or memory reservation per
 * add-on, provisioning is a single command, and ACL key/channel patterns are
 * enforced by Redis itself on every command, inside Lua scripts too. The cost is
 * that apps must put their key prefix (given as <ALIAS>_KEY_PREFIX) in front of
 * every key and channel: ioredis `keyPrefix`, BullMQ `prefix`, connect-redis
 * `prefix` and similar options do that without code changes.
 *
 * Denied on top of the admin and dangerous categories: commands that see or
 * touch the whole server rather than keys (SCAN and RANDOMKEY return any key's
 * name, PUBSUB lists every channel, FUNCTION and SCRIPT FLUSH/KILL act on
 * state shared by all users), and SELECT/MOVE so data stays in db 0.
 * INFO stays allowed: client libraries (BullMQ) read the server version from it.
 */
export function aclRules(prefix: string, secret: string): string[] {
  return [
    'reset',
    'on',
    `#${sha256(secret)}`,
    `~${prefix}*`,
    `&${prefix}*`,
    '+@all',
    '-@admin',
    '-@dangerous',
    '+info',
    '-scan',
    '-randomkey',
    '-dbsize',
    '-pubsub',
    '-function',
    '-fcall',
    '-fcall_ro',
    '-script|flush',
    '-script|kill',
    '-select',
    '-move',
    '-memory',
    '+memory|usage',
  ];
}

/** Redis stores only this hash, so the clear password never crosses the wire to it. */
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
