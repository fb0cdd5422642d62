import { InvalidArgumentError, type Command } from 'commander';
import type { ApiToken, NewApiToken } from '@slipway/api-types';
import { api } from '../client.ts';
import { authedClient } from '../context.ts';
import { jsonOption, type JsonOpts } from '../options.ts';
import { formatDate, print, printJson, table } from '../output.ts';

const SCOPES = ['global', 'deploy', 'read'];

function scope(value: string, previous: string[] = []): string[] {
  if (!SCOPES.includes(value)) throw new InvalidArgumentError(`Scope must be one of ${SCOPES.join(', ')}.`);
  return [...previous, value];
}

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('Give a whole number of days, 1 or more.');
  return n;
}

interface CreateOpts extends JsonOpts {
  description: string;
  scope?: string[];
  expiresInDays?: number;
}

export function register(program: Command): void {
  program
    .command('tokens')
    .description('list your API tokens (never the tokens themselves)')
    .addOption(jsonOption())
    .action(async (opts: JsonOpts) => {
      const tokens = await (await authedClient()).list<ApiToken>('/v1/tokens');
      if (opts.json) return printJson(tokens);
      print(table(tokens, [
        { header: 'ID', value: (t) => t.id },
        { header: 'Prefix', value: (t) => t.prefix },
        { header: 'Scopes', value: (t) => t.scopes },
        { header: 'Description', value: (t) => t.description },
        { header: 'Expires', value: (t) => formatDate(t.expiresAt) || 'never' },
        { header: 'Last used', value: (t) => formatDate(t.lastUsedAt) },
      ]));
    });

  program
    .command('tokens:create')
    .description('create an API token for scripts and CI; it is printed once')
    .option('-d, --description <text>', 'what the token is for', 'created with slipway tokens:create')
    .option('--scope <scope>', `scope, repeatable (${SCOPES.join(', ')}; default global)`, scope)
    .option('--expires-in-days <n>', 'expire the token after N days', days)
    .addOption(jsonOption())
    .action(async (opts: CreateOpts) => {
      const body = { description: opts.description, scopes: opts.scope, expiresInDays: opts.expiresInDays };
      const token = await (await authedClient()).post<NewApiToken>('/v1/tokens', body);
      if (opts.json) return printJson(token);
      process.stderr.write(`Created token ${token.id} (${token.scopes.join(', ')}); it is shown only once:\n`);
      print(token.token);
    });

  program
    .command('tokens:revoke <id>')
    .description('revoke an API token by its ID')
    .action(async (id: string) => {
      await (await authedClient()).delete(api`/v1/tokens/${id}`);
      print(`Revoked token ${id}`);
    });
}
