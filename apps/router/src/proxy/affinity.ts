import { createHmac, timingSafeEqual } from 'node:crypto';

/** Heroku-style session affinity: a cookie naming the backend, signed so clients can't pick one. */
export const AFFINITY_COOKIE = 'slipway-affinity';

function sign(secret: string, app: string, backendId: string): string {
  return createHmac('sha256', secret).update(`${app}\n${backendId}`).digest('base64url').slice(0, 32);
}

export function affinityCookieValue(secret: string, app: string, backendId: string): string {
  return `${Buffer.from(backendId).toString('base64url')}.${sign(secret, app, backendId)}`;
}

export function setCookieHeader(secret: string, app: string, backendId: string, secure: boolean): string {
  return `${AFFINITY_COOKIE}=${affinityCookieValue(secret, app, backendId)}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The backend id in a valid cookie for this app, else undefined (tampered, other app, absent). */
export function pinnedBackend(secret: string, app: string, cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== AFFINITY_COOKIE) continue;
    const [idPart, mac] = part.slice(eq + 1).trim().split('.');
    if (!idPart || !mac) return undefined;
    const id = Buffer.from(idPart, 'base64url').toString();
    const want = Buffer.from(sign(secret, app, id));
    const got = Buffer.from(mac);
    return got.length === want.length && timingSafeEqual(got, want) ? id : undefined;
  }
  return undefined;
}
