/**
 * Rewrites receive-pack's report-status so refs whose deploy failed read
 * `ng <ref> <reason>`: git then prints "[remote rejected] ... (reason)" and exits non-zero.
 * `option` lines (report-status-v2) that belonged to a rejected ref are dropped.
 */
export function rejectInReport(lines: string[], failures: Map<string, string>): string[] {
  const out: string[] = [];
  let dropping = false;
  for (const line of lines) {
    const ok = /^ok (\S+)\n?$/.exec(line);
    if (ok) {
      const reason = failures.get(ok[1]!);
      dropping = reason !== undefined;
      out.push(reason === undefined ? line : `ng ${ok[1]} ${oneLine(reason)}\n`);
    } else if (line.startsWith('option ')) {
      if (!dropping) out.push(line);
    } else {
      dropping = false;
      out.push(line);
    }
  }
  return out;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 200);
