import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../../api/endpoints.ts';
import type { AppInfo, HealthCheck } from '@slipway/api-types';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

// wait and initialDelay are not in the form: the API's defaults, or what the check already had.
const blank = (type: string): HealthCheck =>
  type === 'web' ? { type: 'http', path: '/', timeout: 5, attempts: 5, wait: 1, initialDelay: 0 } : { type: 'uptime', path: '/', timeout: 5, attempts: 1, wait: 1, initialDelay: 0 };

/**
 * app.json-style health check of one process type (the check new instances must
 * pass before they get traffic). Without one: web must accept TCP on $PORT.
 */
export function HealthCheckSection({ app, onSaved }: { app: AppInfo; onSaved: () => void }) {
  const id = useId();
  const types = app.formation.length ? app.formation.map((f) => f.type) : ['web'];
  const [type, setType] = useState(types[0]!);
  const configured = app.healthcheck?.[type]?.[0];
  const [form, setForm] = useState<HealthCheck>(configured ?? blank(type));
  const [saved, setSaved] = useState(false);
  const save = useAction(async (next: Record<string, HealthCheck[]> | null) => {
    await api.updateApp(app.name, { healthcheck: next });
    setSaved(true);
    onSaved();
  });
  const pick = (t: string) => {
    setType(t);
    setForm(app.healthcheck?.[t]?.[0] ?? blank(t));
    setSaved(false);
  };
  const set = (change: Partial<HealthCheck>) => {
    setForm((f) => ({ ...f, ...change }));
    setSaved(false);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const check: HealthCheck = {
      type: form.type, path: form.path, timeout: Number(form.timeout), attempts: Number(form.attempts), wait: form.wait, initialDelay: form.initialDelay,
      ...(form.content ? { content: form.content } : {}),
    };
    void save.run({ ...(app.healthcheck ?? {}), [type]: [check] });
  };
  const reset = () => {
    const { [type]: _, ...rest } = app.healthcheck ?? {};
    void save.run(Object.keys(rest).length ? rest : null).then((ok) => ok && setForm(blank(type)));
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Health check</h2>
      <p className="muted small">
        New instances must pass it before they get traffic; a failing check stops the rollout and the previous release keeps serving.
        {configured ? '' : ' Not set: the default applies (web must accept a TCP connection on $PORT).'}
      </p>
      <div className="grid3">
        {types.length > 1 && (
          <Field id={`${id}-ptype`} label="Process type">
            <select id={`${id}-ptype`} value={type} onChange={(e) => pick(e.target.value)}>
              {types.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </Field>
        )}
        <Field id={`${id}-kind`} label="Check">
          <select id={`${id}-kind`} value={form.type} onChange={(e) => set({ type: e.target.value as HealthCheck['type'] })}>
            <option value="http">HTTP request</option>
            <option value="tcp">TCP connect</option>
            <option value="uptime">Stays up</option>
          </select>
        </Field>
        {form.type === 'http' && (
          <>
            <Field id={`${id}-path`} label="Path">
              <input id={`${id}-path`} className="mono" required pattern="/.*" title="Starts with /" value={form.path} onChange={(e) => set({ path: e.target.value })} />
            </Field>
            <Field id={`${id}-content`} label="Expected content (optional)">
              <input id={`${id}-content`} value={form.content ?? ''} onChange={(e) => set({ content: e.target.value })} />
            </Field>
          </>
        )}
        <Field id={`${id}-timeout`} label="Timeout (seconds)">
          <input id={`${id}-timeout`} type="number" min={1} max={300} required value={form.timeout} onChange={(e) => set({ timeout: Number(e.target.value) })} />
        </Field>
        <Field id={`${id}-attempts`} label="Attempts">
          <input id={`${id}-attempts`} type="number" min={1} max={100} required value={form.attempts} onChange={(e) => set({ attempts: Number(e.target.value) })} />
        </Field>
      </div>
      <ErrorMessage error={save.error} />
      <div className="actions">
        {saved && <span role="status" className="ok-text">Saved: new instances use it.</span>}
        {configured && (
          <button type="button" className="secondary" disabled={save.pending} onClick={reset}>
            Use the default
          </button>
        )}
        <button type="submit" disabled={save.pending}>
          {save.pending ? 'Saving…' : 'Save health check'}
        </button>
      </div>
    </form>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="stack tight">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}
