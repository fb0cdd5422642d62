import { useAppContext } from './useAppContext.ts';
import { ConfigVarsSection } from './settings/ConfigVarsSection.tsx';
import { DomainsSection } from './settings/DomainsSection.tsx';
import { DangerZone } from './settings/DangerZone.tsx';

export function SettingsTab() {
  const { app, reloadApp } = useAppContext();
  return (
    <div className="stack">
      <ConfigVarsSection app={app.name} onReleased={reloadApp} />
      <DomainsSection app={app.name} defaultUrl={app.webUrl} onChanged={reloadApp} />
      <DangerZone app={app.name} />
    </div>
  );
}
