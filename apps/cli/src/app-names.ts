import { randomInt } from 'node:crypto';

const ADJECTIVES = ['amber', 'brave', 'calm', 'dusty', 'eager', 'fancy', 'gentle', 'hidden', 'icy', 'jolly', 'lively', 'misty', 'nimble', 'quiet', 'rapid', 'shiny', 'tidy', 'vast', 'warm', 'young'];
const NOUNS = ['anchor', 'brook', 'canyon', 'delta', 'ember', 'forest', 'glade', 'harbor', 'island', 'lagoon', 'meadow', 'orbit', 'pebble', 'reef', 'summit', 'tundra', 'valley', 'willow'];

/** A Heroku-style random app name such as `misty-harbor-04721` (valid: lowercase, starts with a letter, ≤ 30 chars). */
export function randomAppName(): string {
  const pick = (words: string[]) => words[randomInt(words.length)]!;
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${String(randomInt(100_000)).padStart(5, '0')}`;
}
