import { useState } from 'react';
import { api } from '../../../api/endpoints.ts';
import type { ConfigVars } from '@slipway/api-types';
import { useLoad } from '../../../hooks/useLoad.ts';
import { LoadView } from '../../../components/LoadView.tsx';
import { ConfigVarRow } from './ConfigVarRow.tsx';
import { AddConfigVarForm } from './AddConfigVarForm.tsx';
import { BulkConfigEditor } from './BulkConfigEditor.tsx';

/** Config vars: hidden until revealed, edited one by one or as pasted `.env` text; each change is one release. */
export function ConfigVarsSection({ app, onReleased }: { app: string; onReleased: () => void }) {
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
        <div className="actions">
          <button type="button" className="secondary small" onClick={() => setRevealed((r) => !r)} aria-pressed={revealed}>
            {revealed ? 'Hide config vars' : 'Reveal config vars'}
          </button>
          <button type="button" className="secondary small" onClick={() => setBulk((b) => !b)} aria-expanded={bulk}>
            {bulk ? 'Close bulk edit' : 'Bulk edit'}
          </button>
        </div>
      </div>
      <p className="muted small">Config vars are encrypted at rest and reach your processes as environment variables.</p>
      <p role="status" className="notice">
        {notice}
      </p>
      <LoadView state={vars} label="Loading config vars">
        {(current: ConfigVars) =>
          bulk ? (
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
          )
        }
      </LoadView>
    </section>
  );
}
