import type { Command } from 'commander';
import type { Member, Team } from '@slipway/api-types';
import { api } from '../client.ts';
import { authedClient } from '../context.ts';
import { usageError } from '../errors.ts';
import { jsonOption, teamOption, type JsonOpts } from '../options.ts';
import { heading, print, printJson, table } from '../output.ts';

const ROLES = ['owner', 'member', 'viewer'];
interface TeamOpts {
  team: string;
}

export function register(program: Command): void {
  program
    .command('teams')
    .description('list your teams and your role in each')
    .addOption(jsonOption())
    .action(async (opts: JsonOpts) => {
      const teams = await (await authedClient()).list<Team>('/v1/teams');
      if (opts.json) return printJson(teams);
      print(table(teams, [
        { header: 'Team', value: (t) => t.name },
        { header: 'Role', value: (t) => t.role },
      ]));
    });

  program
    .command('teams:create <name>')
    .description('create a team; you become its owner')
    .action(async (name: string) => {
      const team = await (await authedClient()).post<Team>('/v1/teams', { name });
      print(`Created team ${team.name}`);
    });

  program
    .command('members')
    .description('list the members of a team')
    .addOption(teamOption())
    .addOption(jsonOption())
    .action(async (opts: TeamOpts & JsonOpts) => {
      const members = await (await authedClient()).list<Member>(api`/v1/teams/${opts.team}/members`);
      if (opts.json) return printJson(members);
      print(heading(`${opts.team} Members`));
      print(table(members, [
        { header: 'Email', value: (m) => m.email },
        { header: 'Role', value: (m) => m.role },
      ]));
    });

  program
    .command('members:set <email> <role>')
    .description(`add a user to a team or change their role (${ROLES.join(', ')})`)
    .addOption(teamOption())
    .action(async (email: string, role: string, opts: TeamOpts) => {
      if (!ROLES.includes(role)) throw usageError(`Role must be one of ${ROLES.join(', ')}, not "${role}"`);
      const member = await (await authedClient()).put<Member>(api`/v1/teams/${opts.team}/members`, { email, role });
      print(`${member.email} is now ${member.role} of ${opts.team}`);
    });

  program
    .command('members:remove <email>')
    .description('remove a user from a team')
    .addOption(teamOption())
    .action(async (email: string, opts: TeamOpts) => {
      await (await authedClient()).delete(api`/v1/teams/${opts.team}/members/${email}`);
      print(`Removed ${email} from ${opts.team}`);
    });
}
