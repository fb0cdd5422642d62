export interface DotenvResult {
  vars: Record<string, string>;
  /** Lines that are neither blank, comments nor KEY=value, with their 1-based line numbers. */
  invalid: { line: number; text: string }[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses pasted `.env` text: `KEY=value`, optional `export `, single or double
 * quotes (double quotes understand \n, \" and \\), `#` comments on their own line
 * or after an unquoted value.
 */
export function parseDotenv(text: string): DotenvResult {
  // A Map, then fromEntries: a key such as __proto__ stays an ordinary own property.
  const vars = new Map<string, string>();
  const invalid: DotenvResult['invalid'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const eq = body.indexOf('=');
    const key = eq > 0 ? body.slice(0, eq).trim() : '';
    if (!KEY.test(key)) {
      invalid.push({ line: i + 1, text: raw });
      return;
    }
    const value = unquote(body.slice(eq + 1).trim());
    if (value === null) invalid.push({ line: i + 1, text: raw });
    else vars.set(key, value);
  });
  return { vars: Object.fromEntries(vars), invalid };
}

function unquote(v: string): string | null {
  const q = v[0];
  if (q === '"' || q === "'") {
    const end = v.lastIndexOf(q);
    if (end === 0) return null;
    const inner = v.slice(1, end);
    return q === '"' ? inner.replace(/\\([n"\\])/g, (_m, c: string) => (c === 'n' ? '\n' : c)) : inner;
  }
  const hash = v.search(/\s#/);
  return (hash === -1 ? v : v.slice(0, hash)).trimEnd();
}

/** Serialises vars as `.env` text, quoting values that need it so parseDotenv reads them back unchanged. */
export function formatDotenv(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${/^[^\s"'#\\]*$/.test(v) ? v : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`}`)
    .join('\n');
}
