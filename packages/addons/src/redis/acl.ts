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
 * Deny by default: only the data-type, pub/sub, transaction and scripting
 * categories, minus the admin and dangerous ones, minus what sees or touches the
 * whole server or other databases rather than the user's own keys:
 *  - SCAN, RANDOMKEY, DBSIZE (any key's name, the key count), PUBSUB (every channel);
 *  - FUNCTION/FCALL and SCRIPT FLUSH/KILL/DEBUG (state shared by every user);
 *  - SELECT, MOVE, COPY (COPY ... DB n): data stays in db 0, where quotas are counted;
 *  - MEMORY but USAGE (which is checked against the key pattern).
 * Not granted at all: INFO (all tenants' key counts and command stats), CLIENT
 * (TRACKING BCAST reports others' key names; LIST, KILL), MONITOR, CONFIG, DEBUG,
 * WAIT. CLIENT SETNAME/GETNAME are given back: they touch only the caller's own
 * connection and BullMQ workers fail without SETNAME. Clients that read INFO at
 * connect must skip it (BullMQ `skipVersionCheck: true`; ioredis warns and goes on).
 */
export function permissionRules(prefix: string, writable: boolean): string[] {
  return [
    'on',
    'resetkeys',
    `~${prefix}*`,
    'resetchannels',
    `&${prefix}*`,
    'clearselectors',
    'nocommands',
    ...['read', 'write', 'keyspace', 'string', 'hash', 'list', 'set', 'sortedset', 'bitmap', 'hyperloglog', 'geo', 'stream', 'pubsub', 'transaction', 'scripting'].map((c) => `+@${c}`),
    '-@admin',
    '-@dangerous',
    ...['scan', 'randomkey', 'dbsize', 'pubsub', 'function', 'fcall', 'fcall_ro', 'script', 'select', 'move', 'copy', 'memory', 'wait'].map((c) => `-${c}`),
    ...['script|load', 'script|exists', 'memory|usage', 'ping', 'echo', 'auth', 'hello', 'quit', 'reset', 'client|setname', 'client|getname'].map((c) => `+${c}`),
    ...(writable ? [] : readOnlyRules),
  ];
}

/** Over quota: no command that adds data, but every way to free space. */
const readOnlyRules = ['-@write', ...['del', 'unlink', 'getdel', 'expire', 'pexpire', 'expireat', 'pexpireat'].map((c) => `+${c}`)];

/** The whole user: password (replacing any earlier one) and permissions. */
export function aclRules(prefix: string, secret: string, writable: boolean): string[] {
  return ['resetpass', `#${sha256(secret)}`, ...permissionRules(prefix, writable)];
}

/** Redis stores only this hash, so the clear password never crosses the wire to it. */
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
