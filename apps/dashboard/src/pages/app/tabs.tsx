import type { ReactElement } from 'react';
import { OverviewTab } from './OverviewTab.tsx';
import { DeployTab } from './DeployTab.tsx';
import { ReleasesTab } from './ReleasesTab.tsx';
import { ResourcesTab } from './ResourcesTab.tsx';
import { SettingsTab } from './SettingsTab.tsx';
import { ActivityTab } from './ActivityTab.tsx';
import { LogsTab } from './LogsTab.tsx';
import { MetricsTab } from './MetricsTab.tsx';

export interface AppTab {
  /** Relative to /apps/:app; '' is the overview. */
  path: string;
  label: string;
  element: ReactElement;
}

/** The app page's tabs, in order. */
export const appTabs: AppTab[] = [
  { path: '', label: 'Overview', element: <OverviewTab /> },
  { path: 'resources', label: 'Resources', element: <ResourcesTab /> },
  { path: 'deploy', label: 'Deploy', element: <DeployTab /> },
  { path: 'releases', label: 'Releases', element: <ReleasesTab /> },
  { path: 'metrics', label: 'Metrics', element: <MetricsTab /> },
  { path: 'logs', label: 'Logs', element: <LogsTab /> },
  { path: 'activity', label: 'Activity', element: <ActivityTab /> },
  { path: 'settings', label: 'Settings', element: <SettingsTab /> },
];
