import { isIP } from 'node:net';
import { z } from 'zod';
import { hostname } from './names.ts';

/**
 * The one place that says which hostnames a tenant may route to an app. The
 * API refuses reserved names as custom domains, the scheduler leaves them out of
 * the route table, and the router ignores table entries for them.
 */
export interface ReservedHosts {
  /** SLIPWAY_DOMAIN: apps answer at `<app>.<domain>`; the domain itself and its subdomains are the platform's. */
  domain: string;
  /** The control plane's own names: the public URL's host and SLIPWAY_RESERVED_HOSTS. */
  controlPlane: readonly string[];
}

/** SLIPWAY_RESERVED_HOSTS: more host names of the control plane (dashboard, API aliases), comma-separated. */
export const reservedHostsSetting = z
  .string()
  .default('')
  .transform((s) => s.split(',').map(canonicalHost).filter(Boolean));

/** Reserved names from a process's settings (the public URL is optional: the API falls back to its listen address). */
export function reservedHosts(settings: { SLIPWAY_DOMAIN: string; SLIPWAY_PUBLIC_URL?: string | undefined; SLIPWAY_RESERVED_HOSTS?: readonly string[] }): ReservedHosts {
  const publicHost = settings.SLIPWAY_PUBLIC_URL ? canonicalHost(new URL(settings.SLIPWAY_PUBLIC_URL).hostname) : '';
  const controlPlane = [...new Set([publicHost, ...(settings.SLIPWAY_RESERVED_HOSTS ?? [])].filter(Boolean))];
  return { domain: canonicalHost(settings.SLIPWAY_DOMAIN), controlPlane };
}

/** Lowercase, without surrounding space or one trailing dot (the DNS root): `WWW.Example.com.` → `www.example.com`. */
export function canonicalHost(name: string): string {
  const h = name.trim().toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/**
 * True for an IP address in any spelling a client or URL parser accepts: IPv6 with
 * or without brackets, and every IPv4 form, since WHATWG URL parsing reads a host
 * whose last label is a number (`127.1`, `0x7f.0.0.1`, `2130706433`) as IPv4.
 */
export function isIpLiteral(name: string): boolean {
  const h = canonicalHost(name);
  const bare = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  if (isIP(bare) !== 0 || bare.includes(':')) return true;
  return /^(0x[0-9a-f]*|[0-9]+)$/.test(bare.split('.').at(-1) ?? '');
}

const isUnder = (h: string, domain: string) => h === domain || h.endsWith(`.${domain}`);

/** Why a name outside the platform domain is reserved or malformed, or undefined. Expects a canonical name. */
function reservedReason(h: string, reserved: ReservedHosts): string | undefined {
  if (isIpLiteral(h)) return `${h} is an IP address; a custom domain must be a DNS name`;
  if (isUnder(h, 'localhost')) return `${h} is reserved: localhost names point at the machine itself`;
  if (/^[a-z0-9-]+$/.test(h)) return `${h} is reserved: a custom domain needs at least two labels (like www.example.com)`;
  if (!hostname.safeParse(h).success) return `"${h}" is not a valid hostname (letters, digits and dashes in dot-separated labels)`;
  if (reserved.controlPlane.includes(h)) return `${h} is reserved: it is a host name of the Slipway control plane`;
  return undefined;
}

/**
 * Why `input` cannot be added as a custom domain (undefined if it can). The
 * platform domain and every name under it are refused too: an app's default
 * host is its own already, and the others belong to other apps or the platform.
 */
export function customDomainRefusal(input: string, reserved: ReservedHosts): string | undefined {
  const h = canonicalHost(input);
  if (isUnder(h, reserved.domain)) return `${h} is reserved: names under ${reserved.domain} are the platform's (each app already answers at <app>.${reserved.domain})`;
  return reservedReason(h, reserved);
}

/** A custom domain as the API accepts it: canonical, and not reserved. */
export const customDomain = (reserved: ReservedHosts) =>
  z.string().max(300).transform((input, ctx) => {
    const refusal = customDomainRefusal(input, reserved);
    if (refusal) ctx.addIssue({ code: 'custom', message: refusal });
    return canonicalHost(input);
  });

/** An app's default host, `<app>.<domain>`. */
export const defaultHost = (app: string, domain: string): string => `${app}.${canonicalHost(domain)}`;

/**
 * Why the route table must not carry `host` (undefined if it may): the reserved
 * names above, the bare platform domain and names deeper under it. Exactly one
 * label under the platform domain is an app's default host and is allowed.
 */
export function routeHostRefusal(host: string, reserved: ReservedHosts): string | undefined {
  const h = canonicalHost(host);
  if (h === reserved.domain) return `${h} is the platform domain itself`;
  if (h.endsWith(`.${reserved.domain}`)) {
    return /^[a-z0-9-]+$/.test(h.slice(0, -reserved.domain.length - 1)) ? undefined : `${h} is not an app's default host under ${reserved.domain}`;
  }
  return reservedReason(h, reserved);
}
