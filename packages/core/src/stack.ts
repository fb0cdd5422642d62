/**
 * What a stack image promises to the agents that run it: the builder makes stack images
 * with this label (images built FROM one inherit it) and this unprivileged user.
 */
export const STACK_LABEL = 'slipway.stack';
export const APP_USER = { name: 'app', uid: 1000, home: '/home/app' } as const;
