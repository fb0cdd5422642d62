import { useOutletContext } from 'react-router';
import type { AppInfo } from '@slipway/api-types';

/** What every tab gets from the app page: the app's info and a way to refresh it after a change. */
export interface AppContext {
  app: AppInfo;
  reloadApp: () => void;
  /** The app's change stream: reload on `tick`, poll only while not `live`. */
  changes: { tick: number; live: boolean };
}

export const useAppContext = (): AppContext => useOutletContext<AppContext>();
