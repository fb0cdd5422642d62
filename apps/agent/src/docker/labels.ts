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
  oneOff: boolean;
  stopTimeoutSec: number;
}

export function fromLabels(containerId: string, labels: Record<string, string>, running: boolean): Managed | null {
  const instanceId = labels[LABEL.instance];
  if (labels[LABEL.managed] !== '1' || !instanceId) return null;
  return {
    containerId, instanceId, running,
    generation: Number(labels[LABEL.generation] ?? 0),
    oneOff: labels[LABEL.oneOff] === '1',
    stopTimeoutSec: Number(labels[LABEL.stopTimeout] ?? 10),
  };
}
