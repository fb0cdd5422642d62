import { Option } from 'commander';

/** Flags shared by many commands, spelled the same everywhere (Heroku's names). */
export const appOption = (): Option =>
  new Option('-a, --app <app>', 'app to act on (default: the app of the git remote "platform")');

export const jsonOption = (): Option => new Option('--json', 'print the raw JSON from the API');

export const teamOption = (): Option => new Option('-t, --team <team>', 'team to act on').makeOptionMandatory();

export interface AppOpts {
  app?: string;
}

export interface JsonOpts {
  json?: boolean;
}
