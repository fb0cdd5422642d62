import type { Phase } from './dockerfile.ts';

// The engine's own bookkeeping lines, shown only on request (`git push -o verbose`).
const ENGINE_LINE = /^(Step \d+\/\d+ : |\s*---> |Removing intermediate container |Successfully (built|tagged) )/;
const STEP = /^Step \d+\/\d+ : (.*)$/;

/**
 * Turns the engine's build output into a buildpack's: the steps' own `-----> ` lines as
 * they are, every other line of a tool indented under them, a reused step told in its own
 * words, and the engine's step lines passed to `detail` instead.
 */
export function buildOutput(phases: readonly Phase[], line: (text: string) => void, detail: (text: string) => void): (text: string) => void {
  let current: Phase | null = null;
  return (text) => {
    const step = STEP.exec(text);
    if (step) current = phases.find((p) => p.instruction === step[1]!.trim()) ?? null;
    if (ENGINE_LINE.test(text)) {
      detail(text);
      if (current && /^\s*---> Using cache$/.test(text)) for (const c of current.cached) line(c);
      return;
    }
    line(/^(-----> |!)/.test(text) ? text : `       ${text}`);
  };
}
