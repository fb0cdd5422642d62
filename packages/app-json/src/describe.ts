import { kindOf, type Healthcheck } from './healthcheck.ts';

/** One check in words, as the build prints it: `web: startup check GET / expecting "ok", 2 attempts 5 s apart`. */
export function describeCheck(processType: string, c: Healthcheck): string {
  const what = {
    path: () => `GET ${c.scheme === 'https' ? 'https ' : ''}${c.path}${c.port ? ` on port ${c.port}` : ''}${c.content ? ` expecting ${JSON.stringify(c.content)}` : ''}`,
    command: () => `runs ${Array.isArray(c.command) ? c.command.join(' ') : c.command} expecting exit 0`,
    uptime: () => `stays up ${c.uptime} s without a restart`,
    listening: () => `accepts TCP on ${c.port ? `port ${c.port}` : '$PORT'}`,
  }[kindOf(c)]();
  const tries = kindOf(c) === 'uptime' ? '' : `, ${c.attempts} attempt${c.attempts === 1 ? '' : 's'}${c.attempts > 1 ? ` ${c.wait} s apart` : ''}`;
  const delay = c.initialDelay ? `, after ${c.initialDelay} s` : '';
  const warn = c.warn ? ' (only warns)' : '';
  return `${processType}: ${c.type} check ${what}${tries}${delay}${warn}`;
}
