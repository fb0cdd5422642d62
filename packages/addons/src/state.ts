import type { AddonState } from '@slipway/db';

/**
 * Pure OSB-style transitions: what a repeated or new request does in each
 * state. `enqueue` means (re)queue the job; the job id is per add-on and
 * operation, so queueing twice runs once.
 */
export type Decision =
  | { kind: 'enqueue'; state: AddonState }
  | { kind: 'noop' }
  | { kind: 'conflict'; message: string };

export function onProvisionRequest(state: AddonState): Decision {
  switch (state) {
    case 'provisioning':
      return { kind: 'enqueue', state: 'provisioning' };
    case 'failed':
      return { kind: 'enqueue', state: 'provisioning' };
    case 'available':
      return { kind: 'noop' };
    case 'deprovisioning':
    case 'deprovisioned':
      return { kind: 'conflict', message: 'This add-on was destroyed; create a new one' };
  }
}

export function onDeprovisionRequest(state: AddonState): Decision {
  switch (state) {
    case 'provisioning':
      return { kind: 'conflict', message: 'This add-on is still being provisioned; destroy it once it is available or failed' };
    case 'available':
    case 'failed':
    case 'deprovisioning':
      return { kind: 'enqueue', state: 'deprovisioning' };
    case 'deprovisioned':
      return { kind: 'noop' };
  }
}

/** An attachment may be made while provisioning: its vars appear once the add-on is available. */
export function canAttach(state: AddonState): boolean {
  return state === 'provisioning' || state === 'available';
}

export type Operation = 'provision' | 'deprovision';
