import { spawn } from 'node:child_process';
import { Transform, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Response } from 'express';
import { DEPLOY_REFS, ZERO_SHA, parseCommands, refNameProblem, type RefUpdate } from './commands.ts';
import { FLUSH, PktReader, pktLine, sideband } from './pkt-line.ts';
import { rejectInReport } from './report.ts';
import { readRequestHead } from './request-head.ts';
import { revertRef } from './repos.ts';
import { isDatabaseUnavailable } from '@slipway/db';
import { databaseUnavailable } from '../http/errors.ts';

/** receive-pack offers push options (`git push -o verbose`): in its ref advertisement, and so that it reads them after the commands. */
export const PUSH_OPTIONS_CONFIG = ['-c', 'receive.advertisePushOptions=true'];

export interface ReceiveContext {
  repoDir: string;
  maxPushBytes: number;
  /** Runs the deploy for one pushed branch (with the push's `-o` options); yields output lines, throws to fail the push. */
  deploy: (update: RefUpdate, pushOptions: string[]) => AsyncIterable<string>;
}

/**
 * `git-receive-pack` over stateless HTTP: stock git stores the objects and refs,
 * then each pushed deploy branch is built while the client waits, its output sent
 * on side-band 2. A failed deploy reverts the ref and is reported as `ng`.
 */
/**
 * Whether the commands ask to send push options. Called while the request head is read (inside
 * a stream handler), so it never throws: malformed commands are refused below, by parseCommands.
 */
function offersPushOptions(commands: Buffer[]): boolean {
  try {
    return parseCommands(commands).capabilities.includes('push-options');
  } catch {
    return false;
  }
}

export async function receivePack(body: Readable, res: Response, ctx: ReceiveContext): Promise<void> {
  const { lines, options, consumed } = await readRequestHead(body, undefined, offersPushOptions);
  const { updates, capabilities } = parseCommands(lines);
  const banded = capabilities.includes('side-band-64k');
  if (updates.length === 0) {
    res.status(200).end(); // git's probe before a large chunked upload, or nothing to do
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/x-git-receive-pack-result', 'Cache-Control': 'no-cache' });
  const fatal = (message: string) => {
    res.end(banded ? Buffer.concat([sideband(3, `${message}\n`), FLUSH]) : pktLine(`ERR ${message}\n`));
    body.destroy();
  };
  const bad = updates.map((u) => ({ ref: u.ref, problem: refNameProblem(u.ref) })).find((u) => u.problem);
  if (bad) return fatal(`refusing ${bad.ref}: ${bad.problem}`);

  const child = spawn('git', [...PUSH_OPTIONS_CONFIG, 'receive-pack', '--stateless-rpc', ctx.repoDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  let received = consumed.length;
  let tooBig = false;
  // Past the limit, git is stopped and the rest of the upload is read and dropped
  // (up to the limit again), so the client can still read the refusal.
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (received > ctx.maxPushBytes && !tooBig) {
        tooBig = true;
        limit.unpipe(child.stdin);
        limit.resume(); // unpipe paused it; keep draining
        child.stdin.destroy();
        child.kill('SIGKILL');
      }
      if (received > 2 * ctx.maxPushBytes) return done(new Error('push far too large'));
      done(null, tooBig ? undefined : chunk);
    },
  });
  const uploaded = finished(limit).catch(() => undefined);
  child.stdin.on('error', () => undefined);
  limit.on('error', () => body.destroy());
  // The body can still fail to decode after its head (bad gzip): the push then fails, the process stays up.
  body.on('error', () => child.kill('SIGKILL'));
  child.stdin.write(consumed);
  body.pipe(limit).pipe(child.stdin);
  body.resume();

  const report: Buffer[] = [];
  const reader = new PktReader();
  child.stdout.on('data', (chunk: Buffer) => {
    for (const p of reader.push(chunk)) {
      if (!banded) report.push(p.raw);
      else if (p.data && p.data[0] === 1) report.push(p.data.subarray(1));
      else if (p.data) res.write(p.raw); // progress (2) and errors (3) go out as they happen
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (tooBig) {
    await uploaded;
    return fatal(`push is larger than the ${Math.round(ctx.maxPushBytes / 1048576)} MB limit`);
  }
  if (code !== 0 || report.length === 0) return fatal('receiving the push failed');

  const reportLines = new PktReader().push(Buffer.concat(report)).flatMap((p) => (p.data ? [p.data.toString('utf8')] : []));
  const failures = await deployAccepted(updates, options, reportLines, ctx, (line) => {
    if (banded && !res.destroyed) res.write(sideband(2, `${line}\n`));
  });
  const finalReport = Buffer.concat([...rejectInReport(reportLines, failures).map((l) => pktLine(l)), FLUSH]);
  res.end(banded ? Buffer.concat([sideband(1, finalReport), FLUSH]) : finalReport);
}

async function deployAccepted(updates: RefUpdate[], pushOptions: string[], reportLines: string[], ctx: ReceiveContext, write: (line: string) => void): Promise<Map<string, string>> {
  const failures = new Map<string, string>();
  for (const update of updates) {
    if (!DEPLOY_REFS.has(update.ref) || update.newSha === ZERO_SHA || !reportLines.includes(`ok ${update.ref}\n`)) continue;
    try {
      for await (const line of ctx.deploy(update, pushOptions)) write(line);
    } catch (err) {
      const reason = isDatabaseUnavailable(err) ? databaseUnavailable().message : err instanceof Error ? err.message : String(err);
      write(`!     ${reason}`);
      await revertRef(ctx.repoDir, update);
      failures.set(update.ref, reason);
    }
  }
  return failures;
}
