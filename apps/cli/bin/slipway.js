#!/usr/bin/env node
// Runs the TypeScript sources directly (the monorepo has no build step), from any directory.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/main.ts', import.meta.url).href);
