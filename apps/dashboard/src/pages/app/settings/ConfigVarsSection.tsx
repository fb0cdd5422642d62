import { useState } from 'react';
import { api } from '../../../api/endpoints.ts';
import type { AppAccess, ConfigVars, ConfigVarsView } from '@slipway/api-types';
import { useLoad } from '../../../hooks/useLoad.ts';
import { LoadView } from '../../../components/LoadView.tsx';
import { ConfigVarRow } from './ConfigVarRow.tsx';
import { AddConfigVarForm } from './AddConfigVarForm.tsx';
import { BulkConfigEditor } from './BulkConfigEditor.tsx';
import { HiddenConfigVars } from './HiddenConfigVars.tsx';

/** The values the API sent (all of them, for a caller who may see them). */
const shown = (vars: ConfigVarsView): ConfigVars => Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => e[1] !== null));

/**
 * Config vars: masked until revealed, edited one by one or as pasted `.env` text; each change is one release.
 * A caller who may see names only (a viewer) gets the names, without reveal or edit controls.
 */
export function ConfigVarsSection({ app, access, onReleased }: { app: string; access: AppAccess; onReleased: () => void }) {
  const vars = useLoad(() => api.configVars(app), [app]);
  const [revealed, setRevealed] = useState(false);
  const [bulk, setBulk] = useState(false);
  const [notice, setNotice] = useState('');

  const apply = async (changes: Record<string, string | null>) => {
    const result = await api.updateConfigVars(app, changes);
    vars.setData(result.config);
    setNotice(result.release ? `Saved. Release v${result.release.version} created.` : 'No changes: the values were already set.');
    if (result.release) onReleased();
  };

  return (
    <section className="card stack" aria-labelledby="cfg-title">
      <div className="section-head">
        <h2 id="cfg-title">Config vars</h2>
        {access.secretsHidden === null && (
          <div className="actions">
            <button type="button" className="secondary small" onClick={() => setRevealed((r) => !r)} aria-pressed={revealed}>
              {revealed ? 'Hide config vars' : 'Reveal config vars'}
            </button>
            <button type="button" className="secondary small" onClick={() => setBulk((b) => !b)} aria-expanded={bulk}>
              {bulk ? 'Close bulk edit' : 'Bulk edit'}
            </button>
          </div>
        )}
      </div>
      <p className="muted small">Config vars are encrypted at rest and reach your processes as environment variables.</p>
      <p role="status" className="notice">
        {notice}
      </p>
      <LoadView state={vars} label="Loading config vars">
        {(view: ConfigVarsView) => {
          if (access.secretsHidden !== null) return <HiddenConfigVars names={Object.keys(view)} reason={access.secretsHidden} />;
          const current = shown(view);
          return bulk ? (
            <BulkConfigEditor current={current} onApply={apply} onDone={() => setBulk(false)} />
          ) : (
            <>
              {Object.keys(current).length === 0 && <p className="muted">No config vars yet.</p>}
              <ul className="config-vars" aria-label="Config vars">
                {Object.entries(current).map(([key, value]) => (
                  <ConfigVarRow key={key} name={key} value={value} revealed={revealed} onApply={apply} />
                ))}
              </ul>
              <AddConfigVarForm existing={current} onApply={apply} />
            </>
          );
        }}
      </LoadView>
    </section>
  );
}
