import { processType, SlipwayError } from '@slipway/core';

/** Process type → shell command. An empty command means "the image's own CMD". */
export type ProcessTypes = Record<string, string>;

/** Parses a Procfile (`type: command` per line; blank lines and # comments ignored). */
export function parseProcfile(text: string): ProcessTypes {
  const types: ProcessTypes = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(line);
    const fail = (why: string) => new SlipwayError('unprocessable', `Procfile line ${i + 1}: ${why}`);
    if (!m) throw fail('expected "type: command"');
    const [, type = '', command = ''] = m;
    if (!processType.safeParse(type).success) throw fail(`"${type}" is not a valid process type (lowercase letters, digits, - and _)`);
    if (!command) throw fail(`process type "${type}" has no command`);
    if (type in types) throw fail(`process type "${type}" is defined twice`);
    types[type] = command;
  });
  return types;
}
