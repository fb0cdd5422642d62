import type { Command } from 'commander';
import * as addons from './addons.ts';
import * as apps from './apps.ts';
import * as audit from './audit.ts';
import * as auth from './auth.ts';
import * as builds from './builds.ts';
import * as config from './config.ts';
import * as cron from './cron.ts';
import * as domains from './domains.ts';
import * as git from './git.ts';
import * as logs from './logs.ts';
import * as nodes from './nodes.ts';
import * as pg from './pg.ts';
import * as ps from './ps.ts';
import * as redis from './redis.ts';
import * as releases from './releases.ts';
import * as run from './run.ts';
import * as teams from './teams.ts';
import * as tokens from './tokens.ts';

/**
 * One module per topic, each exporting `register(program)`. To add a topic,
 * write `commands/<topic>.ts` like the others and list it here; help lists
 * commands in this order.
 */
export const topics: Array<{ register: (program: Command) => void }> = [
  auth,
  apps,
  config,
  releases,
  ps,
  run,
  cron,
  logs,
  builds,
  addons,
  pg,
  redis,
  domains,
  git,
  nodes,
  teams,
  tokens,
  audit,
];
