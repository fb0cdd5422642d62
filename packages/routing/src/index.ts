export * from './keys.ts';
export * from './store.ts';
export * from './metrics.ts';
export * from './sync.ts';
