import { badRequest } from '@slipway/core';
/** One ref update a client asks receive-pack to make. */
export interface RefUpdate {
  oldSha: string;
  newSha: string;
  ref: string;
}

export const ZERO_SHA = '0'.repeat(40);

/** Branches whose pushes deploy; other branches are stored only. */
export const DEPLOY_REFS = new Set(['refs/heads/main', 'refs/heads/master']);

/** The command list at the head of a receive-pack request, and the capabilities on its first line. */
export function parseCommands(lines: Buffer[]): { updates: RefUpdate[]; capabilities: string[] } {
  const updates: RefUpdate[] = [];
  let capabilities: string[] = [];
  for (const [i, buf] of lines.entries()) {
    const text = buf.toString('utf8');
    const [command = '', caps] = text.replace(/\n$/, '').split('\0');
    if (i === 0 && caps !== undefined) capabilities = caps.trim().split(' ').filter(Boolean);
    if (command.startsWith('shallow ')) continue;
    const m = /^([0-9a-f]{40}) ([0-9a-f]{40}) (.+)$/.exec(command);
    if (!m) throw badRequest(`Unexpected push command: ${command.slice(0, 80)}`);
    updates.push({ oldSha: m[1]!, newSha: m[2]!, ref: m[3]! });
  }
  return { updates, capabilities };
}

/** git check-ref-format's rules, plus: only branches and tags may be pushed. */
export function refNameProblem(ref: string): string | null {
  if (!/^refs\/(heads|tags)\/./.test(ref)) return 'only branches (refs/heads/*) and tags (refs/tags/*) can be pushed';
  if (ref.length > 255) return 'ref name is too long';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return 'ref name contains a forbidden character';
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//') || ref.endsWith('/') || ref.endsWith('.')) return 'ref name is not allowed';
  if (ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock') || part === '@')) return 'ref name is not allowed';
  return null;
}
