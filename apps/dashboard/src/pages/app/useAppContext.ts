import { useOutletContext } from 'react-router';
import type { AppInfo } from '../../api/types.ts';

/** What every tab gets from the app page: the app's info and a way to refresh it after a change. */
export interface AppContext {
  app: AppInfo;
  reloadApp: () => void;
}

export const useAppContext = (): AppContext => useOutletContext<AppContext>();
