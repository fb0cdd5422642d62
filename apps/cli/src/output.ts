/** Everything the CLI prints on stdout goes through here, so `--json` and tables stay consistent. */

export function print(text = ''): void {
  process.stdout.write(text.endsWith('\n') || text === '' ? text || '\n' : `${text}\n`);
}

/** The API's JSON, pretty-printed: what every read command prints with `--json`. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

export const heading = (title: string): string => `=== ${title}`;

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** A plain-text table: a header row, a rule, then one aligned line per row. */
export function table<T>(rows: T[], columns: Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cell(c.value(r))));
  const headers = columns.map((c) => c.header);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

/** `Key:   value` lines with the values aligned. */
export function keyValues(pairs: Array<[string, unknown]>): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length + 1));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${cell(v)}`.trimEnd()).join('\n');
}

export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return formatDate(value.toISOString());
  if (Array.isArray(value)) return value.map(cell).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** ISO timestamps shortened to minutes, in UTC: `2025-01-31 14:05Z`. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** Quotes a word for POSIX shells (`config --shell`, git's `!` credential helpers). */
export const formatBytes = (bytes: number): string =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;

export const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
