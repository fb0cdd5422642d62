import { z } from 'zod';

/** Heroku's rule: starts with a letter, lowercase letters, digits and dashes, 3–30 chars. */
export const appName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/, 'App names must be 3-30 characters: lowercase letters, digits and dashes, starting with a letter and not ending with a dash');

export const teamName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, 'Team names must be 3-40 characters: lowercase letters, digits and dashes, starting with a letter');

/** POSIX-ish env var names, as Heroku accepts them. */
export const configKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,254}$/, 'Config var names must start with a letter or underscore and contain only letters, digits and underscores');

export const processType = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,30}$/, 'Process types are 1-30 letters, digits, dashes and underscores (as in a Procfile)');

/** Process types that only ever run as one-offs, never as a formation: the release phase and `slipway run`. */
export const ONE_OFF_TYPES: readonly string[] = ['release', 'run'];

export const hostname = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, 'Not a valid hostname');
