import { processType, SlipwayError } from '@slipway/core';

/** Process type → shell command. An empty command means "the image's own CMD". */
export type ProcessTypes = Record<string, string>;

/** Parses a Procfile (`type: command` per line; CRLF or LF, a leading BOM, blank lines and # comments ignored). */
export function parseProcfile(text: string): ProcessTypes {
  const types: ProcessTypes = {};
  const firstLine = new Map<string, number>();
  text.replace(/^\uFEFF/, '').split(/\r?\n|\r/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(line);
    const fail = (why: string) => new SlipwayError('unprocessable', `Procfile line ${i + 1}: ${why}`);
    if (!m) throw fail('expected "type: command"');
    const [, type = '', command = ''] = m;
    if (!processType.safeParse(type).success) throw fail(`"${type}" is not a valid process type (1-30 letters, digits, - and _)`);
    if (!command) throw fail(`process type "${type}" has no command`);
    if (firstLine.has(type)) throw fail(`process type "${type}" is defined twice (first on line ${firstLine.get(type)})`);
    firstLine.set(type, i + 1);
    types[type] = command;
  });
  return types;
}
