import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import type { Server } from 'node:http';
import { createGitRouter, type GitRouterOptions } from '../../apps/api/src/git/router.ts';

const exec = promisify(execFile);
export const fixtureDir = (name: string): string => join(import.meta.dirname, '../fixtures/apps', name);

/** An express server with only the git router mounted, on a random 127.0.0.1 port. */
export async function startGitServer<P>(opts: GitRouterOptions<P>): Promise<{ url: (app: string, token?: string) => string; close: () => Promise<void> }> {
  const app = express();
  app.use(createGitRouter(opts));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (name, token = 'good-token') => `http://git:${token}@127.0.0.1:${port}/${name}.git`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A work tree initialised from a fixture (or empty), committed once. */
export async function workTree(fixture?: string): Promise<{ dir: string; git: (...args: string[]) => Promise<string>; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-wt-'));
  if (fixture) await cp(fixtureDir(fixture), dir, { recursive: true });
  const git = async (...args: string[]) => (await exec('git', args, { cwd: dir, env: gitEnv })).stdout.trim();
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '--allow-empty', '-m', `initial ${fixture ?? 'empty'}`);
  return { dir, git, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

export interface PushResult {
  code: number | null;
  output: string;
}

/** Runs a real `git push`, calling onOutput with everything printed so far as it arrives. */
export function push(dir: string, args: string[], onOutput: (soFar: string) => void = () => {}): Promise<PushResult> {
  return new Promise((resolve) => {
    const child = spawn('git', ['push', '--progress', ...args], { cwd: dir, env: gitEnv });
    let output = '';
    const take = (d: Buffer) => {
      output += d.toString();
      onOutput(output);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolve({ code, output }));
  });
}
