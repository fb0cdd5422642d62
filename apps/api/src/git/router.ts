import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { appName, forbidden, isSlipwayError, unauthorized, notFound, type Logger } from '@slipway/core';
import { tokenFromBasicAuth } from './basic-auth.ts';
import type { RefUpdate } from './commands.ts';
import { FLUSH, pktLine } from './pkt-line.ts';
import { PUSH_OPTIONS_CONFIG, receivePack } from './receive-pack.ts';
import { isDatabaseUnavailable } from '@slipway/db';
import { RETRY_AFTER_SEC, databaseUnavailable } from '../http/errors.ts';
import { ensureBareRepo, repoPath } from './repos.ts';

export type GitAction = 'push' | 'fetch';

export interface PushEvent<P> extends RefUpdate {
  app: string;
  principal: P;
  /** `git push -o …` options, as sent. */
  pushOptions: string[];
}

export interface GitRouterOptions<P> {
  /** Folder holding one bare repository per app (`<app>.git`). */
  reposDir: string;
  /** API token → principal, or null when the token is unknown. */
  authenticate: (token: string) => Promise<P | null>;
  /** Throws a SlipwayError (403/404) when the principal may not push to / fetch from the app. */
  authorize: (principal: P, app: string, action: GitAction) => Promise<void>;
  /** Deploys a push to main/master: yields build output lines as they happen; throws to fail the push. */
  onPush: (event: PushEvent<P>) => AsyncIterable<string>;
  /** Largest accepted push request, in bytes (default 512 MB). */
  maxPushBytes?: number;
  logger?: Logger;
}

const services = { 'git-receive-pack': 'push', 'git-upload-pack': 'fetch' } as const;
type Service = keyof typeof services;
const isService = (s: unknown): s is Service => typeof s === 'string' && s in services;

/**
 * Git smart HTTP for `/<app>.git`: ref advertisement, fetch and push through the
 * stock git binaries. Mount it before any body parser: it reads raw request bodies.
 */
export function createGitRouter<P>(opts: GitRouterOptions<P>): Router {
  const router = Router();
  const maxPushBytes = opts.maxPushBytes ?? 512 * 1024 * 1024;

  /** Authenticates, authorizes and opens the app's repository. */
  async function access(req: Request, res: Response, service: Service): Promise<{ app: string; dir: string; principal: P }> {
    const repo = String(req.params.repo ?? '');
    const app = repo.endsWith('.git') ? repo.slice(0, -4) : repo;
    if (!appName.safeParse(app).success) throw notFound(`Repository ${repo}`);
    // Git clients never send Origin or Sec-Fetch-Site; a web page does, and a browser may attach basic credentials it
    // remembers for this host, so a page must not be able to push (CSRF). Typing the URL (Sec-Fetch-Site: none) is fine.
    const site = req.get('sec-fetch-site');
    if (req.get('origin') !== undefined || (site !== undefined && site !== 'none')) throw forbidden('Git requests from web pages are refused');
    const token = tokenFromBasicAuth(req.headers.authorization);
    const principal = token ? await opts.authenticate(token) : null;
    if (principal === null) {
      res.set('WWW-Authenticate', 'Basic realm="Slipway", charset="UTF-8"');
      throw unauthorized('Authentication required: use any user name and an API token as the password');
    }
    await opts.authorize(principal, app, services[service]);
    const dir = repoPath(opts.reposDir, app);
    await ensureBareRepo(dir);
    return { app, dir, principal };
  }

  router.get('/:repo/info/refs', wrap(async (req, res) => {
    const service = req.query.service;
    if (!isService(service)) throw notFound('Dumb HTTP protocol is not supported; use git 1.6.6 or newer');
    const target = await access(req, res, service);
    res.set({ 'Content-Type': `application/x-${service}-advertisement`, 'Cache-Control': 'no-cache' });
    res.write(Buffer.concat([pktLine(`# service=${service}\n`), FLUSH]));
    runGit([...(service === 'git-receive-pack' ? PUSH_OPTIONS_CONFIG : []), service.slice(4), '--stateless-rpc', '--advertise-refs', target.dir], null, res);
  }));

  router.post('/:repo/git-upload-pack', wrap(async (req, res) => {
    const target = await access(req, res, 'git-upload-pack');
    res.set({ 'Content-Type': 'application/x-git-upload-pack-result', 'Cache-Control': 'no-cache' });
    runGit(['upload-pack', '--stateless-rpc', target.dir], requestBody(req), res);
  }));

  router.post('/:repo/git-receive-pack', wrap(async (req, res) => {
    const target = await access(req, res, 'git-receive-pack');
    if (Number(req.headers['content-length'] ?? 0) > maxPushBytes) {
      res.status(413).type('text/plain').send(`Push is larger than the ${Math.round(maxPushBytes / 1048576)} MB limit\n`);
      return;
    }
    const { app, principal, dir } = target;
    await receivePack(requestBody(req), res, { repoDir: dir, maxPushBytes, deploy: (update, pushOptions) => opts.onPush({ ...update, app, principal, pushOptions }) });
  }));

  function wrap(handler: (req: Request, res: Response) => Promise<void>) {
    return (req: Request, res: Response, next: NextFunction) => {
      handler(req, res).catch((err: unknown) => {
        if (res.headersSent) {
          opts.logger?.error({ err }, 'git request failed mid-response');
          res.destroy();
        } else if (isDatabaseUnavailable(err)) {
          // Git shows a text/plain body to the user: say what is wrong, not "HTTP 500".
          res.status(503).setHeader('Retry-After', String(RETRY_AFTER_SEC));
          res.type('text/plain').send(`${databaseUnavailable().message}\n`);
        } else if (isSlipwayError(err)) res.status(err.status).type('text/plain').send(`${err.message}\n`);
        else next(err);
      });
    };
  }
  return router;
}

function requestBody(req: Request): Readable {
  return req.headers['content-encoding'] === 'gzip' ? req.pipe(createGunzip()) : req;
}

function runGit(args: string[], input: Readable | null, res: Response): void {
  const child = spawn('git', args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
  if (input && child.stdin) {
    child.stdin.on('error', () => undefined);
    // A body that fails to decode (bad gzip) must not go unhandled: it would take the process down.
    input.on('error', (err: Error) => {
      child.kill();
      if (res.headersSent) res.destroy();
      else res.status(400).type('text/plain').end(`Unreadable request body: ${err.message}\n`);
    });
    input.pipe(child.stdin);
  }
  child.stdout?.pipe(res);
  res.on('close', () => child.kill());
}
