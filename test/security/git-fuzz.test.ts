import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { startApi, client, tokenFor, type TestApi } from '../support/api-server.ts';

// Bounded property-based fuzzing of the git smart-HTTP endpoint: malformed
// pkt-lines, garbage packs, refs that escape refs/heads or refs/tags, enormous
// declared lengths and wrong content types, all with a token that may push.
// Nothing answers 5xx, the server stays up, the repository's refs stay as they were.
const run = promisify(execFile);
let api: TestApi;
let auth: string;
let repo: string;
let work: string;

before(async () => {
  api = await startApi();
  const token = await tokenFor(api.url, api.admin.email, api.admin.password);
  auth = `Basic ${Buffer.from(`x:${token}`).toString('base64')}`;
  await client(api.url, token)('POST', '/v1/apps', { name: 'fuzzed' });
  work = mkdtempSync(join(tmpdir(), 'git-fuzz-'));
  writeFileSync(join(work, 'README'), 'hi\n');
  const env = { ...process.env, HOME: work, GIT_TERMINAL_PROMPT: '0' };
  await run('git', ['init', '-q', '-b', 'feature', work], { env });
  await run('git', ['add', '.'], { cwd: work, env });
  await run('git', ['-c', 'user.email=f@f', '-c', 'user.name=f', 'commit', '-qm', 'seed'], { cwd: work, env });
  const url = new URL('/fuzzed.git', api.url);
  [url.username, url.password] = ['x', token];
  await run('git', ['push', '-q', url.href, 'HEAD:refs/heads/feature', 'HEAD:refs/tags/v1'], { cwd: work, env });
  repo = join(api.deps.config.SLIPWAY_REPOS_DIR, 'fuzzed.git');
});
after(async () => {
  rmSync(work, { recursive: true, force: true });
  await api?.stop();
});

async function refs(): Promise<string> {
  return (await run('git', ['--git-dir', repo, 'for-each-ref', '--format=%(objectname) %(refname)'])).stdout;
}

const pkt = (s: string | Buffer) => {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0')), b]);
};
const hex40 = fc.constantFrom('0'.repeat(40), 'a'.repeat(40), 'f'.repeat(39), 'z'.repeat(40), '');
const ref = fc.oneof(
  fc.constantFrom(
    'refs/heads/../../x', 'refs/heads/../../../etc/passwd', '../../hooks/pre-receive', 'refs/heads/main/../../config', 'HEAD', 'refs/remotes/origin/x',
    'refs/notes/x', 'refs/heads/a..b', 'refs/heads/x.lock', 'refs/heads/.hidden', 'refs/heads/x\u0000y', 'refs/heads/' + 'x'.repeat(300), 'refs/heads/feature',
    'refs/tags/v1', 'refs/heads/main', 'refs/heads/with space', 'refs/heads/@', 'refs/heads/a@{1}', 'refs//heads/x', 'refs/heads/x/',
  ),
  fc.string({ maxLength: 60 }),
);
const command = fc.tuple(hex40, hex40, ref, fc.constantFrom('', '\0report-status side-band-64k', '\0' + 'x'.repeat(500))).map(([a, b, r, caps]) => pkt(`${a} ${b} ${r}${caps}\n`));
const garbage = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a));
const pack = fc.oneof(garbage, garbage.map((g) => Buffer.concat([Buffer.from('PACK\0\0\0\x02\0\0\0\x05'), g])));
const rawPkt = fc.oneof(
  fc.constantFrom('ffff', 'fff0short', '0001', '0003', 'zzzz', '00', '0004', '0000', '1234' + 'a'.repeat(10)).map((s) => Buffer.from(s)),
  garbage,
);
const body = fc.oneof(
  fc.tuple(fc.array(command, { minLength: 1, maxLength: 4 }), fc.boolean(), pack).map(([cmds, flush, p]) => Buffer.concat([...cmds, flush ? Buffer.from('0000') : Buffer.alloc(0), p])),
  fc.array(rawPkt, { maxLength: 4 }).map((parts) => Buffer.concat(parts)),
);
const target = fc.constantFrom('/fuzzed.git/git-receive-pack', '/fuzzed.git/git-upload-pack', '/fuzzed.git/info/refs?service=git-receive-pack', '/fuzzed.git/info/refs?service=nope', '/..%2f..%2fetc.git/git-receive-pack', '/fuzzed.git/info/refs');
const contentType = fc.constantFrom('application/x-git-receive-pack-request', 'application/x-git-upload-pack-request', 'text/plain', 'application/json', undefined);
const encoding = fc.constantFrom(undefined, 'gzip', 'br');

test('hostile git requests: no 5xx, no crash, refs unchanged', async () => {
  const before = await refs();
  await fc.assert(
    fc.asyncProperty(target, body, contentType, encoding, async (path, b, type, enc) => {
      const get = path.includes('info/refs');
      const res = await fetch(api.url + path, {
        method: get ? 'GET' : 'POST',
        headers: { authorization: auth, ...(type ? { 'content-type': type } : {}), ...(enc ? { 'content-encoding': enc } : {}) },
        body: get ? undefined : b,
        signal: AbortSignal.timeout(20_000),
      }).catch((err: Error) => ({ status: 0, text: async () => err.message }));
      const text = await res.text().catch((err: Error) => `(body cut: ${err.message})`);
      assert.ok(res.status !== 0 && res.status < 500, `${path} -> ${res.status} ${text.slice(0, 200)}`);
    }),
    { numRuns: 250, seed: 20261125 },
  );
  assert.equal((await client(api.url)('GET', '/healthz')).status, 200);
  assert.equal(await refs(), before);
  // fsck exits non-zero on corruption (run rejects); its notices (an unborn HEAD) are fine.
  const fsck = await run('git', ['--git-dir', repo, 'fsck', '--no-dangling']);
  assert.doesNotMatch(fsck.stderr, /error|missing|corrupt|broken/i);
});
