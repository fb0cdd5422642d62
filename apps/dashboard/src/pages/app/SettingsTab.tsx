import { useAppContext } from './useAppContext.ts';
import { ConfigVarsSection } from './settings/ConfigVarsSection.tsx';
import { DomainsSection } from './settings/DomainsSection.tsx';
import { DangerZone } from './settings/DangerZone.tsx';
import { HealthCheckSection } from './settings/HealthCheckSection.tsx';
import { AffinitySection } from './settings/AffinitySection.tsx';

export function SettingsTab() {
  const { app, reloadApp } = useAppContext();
  return (
    <div className="stack">
      <ConfigVarsSection app={app.name} access={app.access} onReleased={reloadApp} />
      <DomainsSection app={app.name} defaultUrl={app.webUrl} onChanged={reloadApp} />
      <HealthCheckSection app={app} onSaved={reloadApp} />
      <AffinitySection app={app.name} enabled={app.sessionAffinity} onSaved={reloadApp} />
      <DangerZone app={app.name} />
    </div>
  );
}
