export * from './errors.ts';
export * from './env.ts';
export * from './logger.ts';
export * from './secretbox.ts';
export * from './passwords.ts';
export * from './names.ts';
export * from './routes.ts';
export * from './signing.ts';
