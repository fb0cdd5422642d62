import type { Request, RequestHandler } from 'express';
import { SlipwayError } from '@slipway/core';

/**
 * CSRF defence for the dashboard's session cookie (OWASP CSRF cheat sheet: "Fetch Metadata", "Verifying origin with
 * standard headers" and "Custom request headers", all three). SameSite=Strict alone is not enough: a page on another
 * port or a subdomain of the same site still gets the cookie sent. A request authenticated by the cookie that changes
 * something must
 *  - not be marked by the browser as coming from anywhere else (`Sec-Fetch-Site`, when sent, is `same-origin`);
 *  - name the API's own origin in `Origin`, when sent;
 *  - carry `X-Requested-With` (any value), which a form cannot send and a script on another origin can send only after
 *    a CORS preflight, which this API never grants. This also covers browsers that send neither header above.
 * Bearer-token calls (the CLI, scripts) carry no ambient credential and are not checked.
 */
export const CSRF_HEADER = 'X-Requested-With';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a browser request may not have been sent by the API's own pages, or null when it was. */
export function crossOriginProblem(req: Request, publicUrl: string | undefined, requireHeader: boolean): string | null {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return `the browser marked it as sent from elsewhere (Sec-Fetch-Site: ${site})`;
  const origin = req.get('origin');
  if (origin !== undefined && !ownOrigins(req, publicUrl).includes(origin)) return `it came from ${origin}, not from this API's own pages`;
  if (requireHeader && !req.get(CSRF_HEADER)) return `it has no ${CSRF_HEADER} header (the dashboard sends one on every call)`;
  return null;
}

/**
 * The API's own origin: SLIPWAY_PUBLIC_URL's, and the one the request was addressed to (its Host, or X-Forwarded-Host
 * and -Proto from a trusted proxy). The dashboard is served by the API itself, so both are the dashboard's origin; an
 * attacker cannot choose the Host a victim's browser sends along with the victim's cookie.
 */
function ownOrigins(req: Request, publicUrl: string | undefined): string[] {
  const own = req.host ? [`${req.protocol}://${req.host}`] : [];
  return publicUrl ? [...own, new URL(publicUrl).origin] : own;
}

export function csrfRefused(problem: string): SlipwayError {
  return new SlipwayError(
    'csrf_refused',
    `Refused a request made with the dashboard's session cookie: ${problem}. Use the dashboard itself, or an API token (Authorization: Bearer) from scripts`,
  );
}

/** Refuses cookie-authenticated mutations that a page on another origin may have made (before any body is read). */
export function sameOriginForCookies(publicUrl: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || req.headers.authorization || !req.user) return next();
    const problem = crossOriginProblem(req, publicUrl, true);
    next(problem ? csrfRefused(problem) : undefined);
  };
}
