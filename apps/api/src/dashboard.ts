import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_DASHBOARD_DIST = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

// The bundle loads only its own scripts and styles and calls only this origin.
const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built dashboard: hashed assets cached for a year, every other page
 * path answered with index.html so client-side routes survive a reload. /v1 and
 * git paths (`/<app>.git/...`) and anything that looks like a file pass through.
 */
export function dashboardMiddleware(distDir: string = DEFAULT_DASHBOARD_DIST): Router {
  const router = express.Router();
  router.use('/assets', express.static(join(distDir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: true }));
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!isPagePath(req.method, req.path)) return next();
    res.set({
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    });
    res.sendFile(join(distDir, 'index.html'), (err) => {
      if (!err || res.headersSent) return;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return notBuilt(res);
      next(err);
    });
  });
  return router;
}

/** A client-side route: GET or HEAD, outside /v1 and git, with no file extension. */
export function isPagePath(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === '/v1' || path.startsWith('/v1/') || path.startsWith('/assets/')) return false;
  if (/\.git(\/|$)/.test(path)) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

function notBuilt(res: Response): void {
  res
    .status(503)
    .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Slipway</title>` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1d2130">` +
        `<h1>Slipway</h1><p>dashboard not built: run <code>npm run build -w @slipway/dashboard</code>, then reload this page.</p>` +
        `<p>The REST API is available under <code>/v1</code>.</p></body></html>`,
    );
}
