/** An instruction as the engine's parser finds it: its keyword (lower case) and the line it starts on (zero-based). */
export interface EngineInstruction {
  line: number;
  keyword: string;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

/**
 * How Docker's classic builder (the engine the builder drives) splits a Dockerfile into
 * instructions, after moby's parser: `# escape=` directives at the top, lines joined on a
 * trailing escape character, comment and empty lines inside a continuation skipped, the
 * keyword the first word of the joined line. The builder reads a Dockerfile with a fuller
 * parser; this tells it where that parser's reading differs from the engine's (a heredoc,
 * which the classic builder does not know, hides instructions from the fuller parser).
 * Null when the text has a form this does not model (a lone carriage return, a bad escape).
 */
export function engineInstructions(text: string): { escape: string; instructions: EngineInstruction[] } | null {
  if (/\r(?!\n)/.test(text)) return null;
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  let escape = '\\';
  let i = 0;
  for (; i < lines.length; i++) {
    const directive = DIRECTIVE.exec(lines[i]!.trimStart());
    if (!directive) break;
    if (directive[1]!.toLowerCase() !== 'escape') continue;
    if (directive[2] !== '\\' && directive[2] !== '`') return null;
    escape = directive[2];
  }
  const continued = new RegExp(`\\${escape}[ \\t]*$`);
  const instructions: EngineInstruction[] = [];
  for (; i < lines.length; i++) {
    const start = i;
    const first = lines[i]!.trimStart();
    if (first.startsWith('#')) continue;
    let open = continued.test(first);
    let joined = first.replace(continued, '');
    if (!open && joined.trim() === '') continue;
    while (open && i + 1 < lines.length) {
      const next = lines[++i]!;
      if (next.trimStart().startsWith('#') || next.trim() === '') continue;
      open = continued.test(next);
      joined += next.replace(continued, '');
    }
    const keyword = joined.trim().split(/[\t\v\f\r ]+/)[0]!.toLowerCase();
    instructions.push({ line: start, keyword });
  }
  return { escape, instructions };
}
