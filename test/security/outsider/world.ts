import { Outsiders } from './harness.ts';

/** The one platform every attack file runs against (outsider.test.ts starts and stops it). */
export const world = new Outsiders();
