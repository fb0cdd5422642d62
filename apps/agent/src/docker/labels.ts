/** Labels that mark a container as the platform's and say which instance it is: the basis of adoption. */
export const LABEL = {
  managed: 'io.slipway.managed',
  instance: 'io.slipway.instance',
  generation: 'io.slipway.generation',
  app: 'io.slipway.app',
  name: 'io.slipway.dyno',
  oneOff: 'io.slipway.one-off',
  stopTimeout: 'io.slipway.stop-timeout',
  /** On an app's network (./app-network.ts): the app's id. */
  appNetwork: 'io.slipway.app-network',
} as const;

/** A managed container as the agent sees it. */
export interface Managed {
  containerId: string;
  instanceId: string;
  generation: number;
  running: boolean;
  /** Created but never started: the agent's start is under way, or one was cut short (an agent killed between create and start). */
  created: boolean;
  oneOff: boolean;
  stopTimeoutSec: number;
}

/** `state` is Docker's container state: created, running, exited, ... */
export function fromLabels(containerId: string, labels: Record<string, string>, state: string): Managed | null {
  const instanceId = labels[LABEL.instance];
  if (labels[LABEL.managed] !== '1' || !instanceId) return null;
  return {
    containerId, instanceId, running: state === 'running', created: state === 'created',
    generation: Number(labels[LABEL.generation] ?? 0),
    oneOff: labels[LABEL.oneOff] === '1',
    stopTimeoutSec: Number(labels[LABEL.stopTimeout] ?? 10),
  };
}
