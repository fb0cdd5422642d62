import semver from 'semver';
import { SlipwayError } from '@slipway/core';

/**
 * The Node.js line a build gets when the app names none: Node 26, Active LTS since
 * October 2026 (24 moved to maintenance then), as Heroku's buildpack defaults to the
 * newest Active LTS line.
 */
export const DEFAULT_NODE_RANGE = '26.x';

/** Where the requested version came from, as the build log names it. */
export type NodeRequestSource = 'engines.node' | '.nvmrc' | '.node-version' | 'default';

export interface NodeRequest {
  source: NodeRequestSource;
  /** As written by the app (or the default range). */
  written: string;
  /** The semver range it stands for. */
  range: string;
}

export interface ResolvedNode {
  version: string;
  request: NodeRequest;
}

// nvm's aliases for LTS lines, so `.nvmrc` files written for nvm resolve the same way.
const LTS_CODENAMES: Record<string, number> = {
  argon: 4, boron: 6, carbon: 8, dubnium: 10, erbium: 12, fermium: 14, gallium: 16, hydrogen: 18, iron: 20, jod: 22, krypton: 24,
};

/** Reads an `.nvmrc` / `.node-version` line (`22`, `v22.1.0`, `lts/*`, `lts/iron`, `node`) as a semver range. */
export function versionFileRange(text: string): string | null {
  const line = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).find(Boolean);
  if (!line) return null;
  const lower = line.toLowerCase();
  if (lower === 'lts/*' || lower === 'lts') return DEFAULT_NODE_RANGE;
  if (lower === 'node' || lower === 'stable' || lower === 'latest' || lower === 'current') return '*';
  if (lower.startsWith('lts/')) {
    const major = LTS_CODENAMES[lower.slice(4)];
    return major ? `${major}.x` : line;
  }
  return line.replace(/^v(?=\d)/, '');
}

/** The app's request, in Heroku's order: engines.node, then `.nvmrc`, then `.node-version`, else the default LTS line. */
export function nodeRequest(engines: unknown, nvmrc: string | null, nodeVersionFile: string | null): NodeRequest {
  if (typeof engines === 'string' && engines.trim()) return { source: 'engines.node', written: engines, range: engines.trim() };
  for (const [source, text] of [['.nvmrc', nvmrc], ['.node-version', nodeVersionFile]] as const) {
    const range = text === null ? null : versionFileRange(text);
    if (range) return { source, written: text!.trim(), range };
  }
  return { source: 'default', written: DEFAULT_NODE_RANGE, range: DEFAULT_NODE_RANGE };
}

/** The newest published release that satisfies the request; a clear failure listing the majors on offer otherwise. */
export function resolveNodeVersion(request: NodeRequest, published: readonly string[]): ResolvedNode {
  const releases = published.filter((v) => semver.valid(v) && !semver.prerelease(v));
  const described = request.source === 'default' ? 'the default' : `${request.source} "${request.written}"`;
  if (semver.validRange(request.range) === null) {
    throw new SlipwayError('unprocessable', `Node.js version ${described} is not a semver range (examples: "22.x", ">=20 <23", "24.4.0")`);
  }
  const version = semver.maxSatisfying(releases, request.range);
  if (!version) {
    throw new SlipwayError('unprocessable', `No Node.js release satisfies ${described}. Available: ${offeredMajors(releases)}`);
  }
  return { version, request };
}

/** The majors on offer, newest release of each: "26.x (26.12.1), 24.x (24.22.3), …" from 16 up. */
export function offeredMajors(releases: readonly string[]): string {
  const newest = new Map<number, string>();
  for (const v of releases) {
    const major = semver.major(v);
    if (major < 16) continue;
    const seen = newest.get(major);
    if (!seen || semver.gt(v, seen)) newest.set(major, v);
  }
  return [...newest.entries()].sort((a, b) => b[0] - a[0]).map(([m, v]) => `${m}.x (${v})`).join(', ');
}

/** How the build log names the choice: `Using Node.js 22.12.0 (engines.node "22.x")`. */
export function describeNode(resolved: ResolvedNode): string {
  const { request } = resolved;
  const why = request.source === 'default' ? `no version requested; default ${DEFAULT_NODE_RANGE}, the current LTS line` : `${request.source} "${request.written}"`;
  return `Using Node.js ${resolved.version} (${why})`;
}
