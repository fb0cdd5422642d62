import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../../api/endpoints.ts';
import type { AppInfo, HealthCheck, HealthCheckInput } from '@slipway/api-types';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

type Kind = 'path' | 'command' | 'uptime' | 'listening';
/** The form's view of one startup check (app.json's Dokku format); fields of other kinds stay as typed until saved. */
interface Draft { kind: Kind; path: string; content: string; command: string; uptime: number; timeout: number; attempts: number; wait: number; initialDelay: number }

const kindOf = (c: HealthCheck): Kind => (c.path !== undefined ? 'path' : c.command !== undefined ? 'command' : c.uptime !== undefined ? 'uptime' : 'listening');
// Blank: Dokku's defaults for a new check; web gets an HTTP check, other types one that stays up.
const blank = (type: string): Draft => ({ kind: type === 'web' ? 'path' : 'uptime', path: '/', content: '', command: '', uptime: 10, timeout: 5, attempts: 3, wait: 5, initialDelay: 0 });
const draftOf = (c: HealthCheck | undefined, type: string): Draft =>
  c === undefined ? blank(type) : {
    ...blank(type), kind: kindOf(c), path: c.path ?? '/', content: c.content ?? '', uptime: c.uptime ?? 10,
    command: c.command === undefined ? '' : Array.isArray(c.command) ? c.command.join(' ') : c.command,
    timeout: c.timeout, attempts: c.attempts, wait: c.wait, initialDelay: c.initialDelay,
  };

/** The check to save: the draft's kind only, keeping what the form does not show (name, description, warn, port, scheme). */
function checkOf(d: Draft, was: HealthCheck | undefined): HealthCheckInput {
  const keep = was ? { name: was.name, ...(was.description ? { description: was.description } : {}), warn: was.warn } : {};
  const timing = { timeout: Number(d.timeout), attempts: Number(d.attempts), wait: d.wait, initialDelay: d.initialDelay };
  const kind = {
    path: { path: d.path, ...(d.content ? { content: d.content } : {}), ...(was?.path !== undefined ? { scheme: was.scheme, ...(was.port ? { port: was.port } : {}) } : {}) },
    command: { command: d.command },
    uptime: { uptime: Number(d.uptime) },
    listening: { listening: true as const, ...(was?.listening && was.port ? { port: was.port } : {}) },
  }[d.kind];
  return { type: 'startup', ...keep, ...(d.kind === 'uptime' ? { initialDelay: d.initialDelay } : timing), ...kind };
}

/**
 * The first startup check of one process type, in app.json's format (Dokku's healthchecks):
 * new instances must pass every startup check before they get traffic. Saving replaces that
 * check and keeps the type's other checks. Without a setting: each release's app.json, else
 * the default (web must accept TCP on $PORT).
 */
export function HealthCheckSection({ app, onSaved }: { app: AppInfo; onSaved: () => void }) {
  const id = useId();
  const types = app.formation.length ? app.formation.map((f) => f.type) : ['web'];
  const [type, setType] = useState(types[0]!);
  const checksOf = (t: string) => app.healthcheck?.[t] ?? [];
  const firstStartup = (t: string) => checksOf(t).find((c) => c.type === 'startup');
  const configured = firstStartup(type);
  const others = checksOf(type).filter((c) => c !== configured);
  const [form, setForm] = useState<Draft>(draftOf(configured, type));
  const [saved, setSaved] = useState(false);
  const save = useAction(async (next: Record<string, HealthCheckInput[]> | null) => {
    await api.updateApp(app.name, { healthcheck: next });
    setSaved(true);
    onSaved();
  });
  const pick = (t: string) => {
    setType(t);
    setForm(draftOf(firstStartup(t), t));
    setSaved(false);
  };
  const set = (change: Partial<Draft>) => {
    setForm((f) => ({ ...f, ...change }));
    setSaved(false);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const check = checkOf(form, configured);
    const list = configured ? checksOf(type).map((c) => (c === configured ? check : c)) : [check, ...checksOf(type)];
    void save.run({ ...(app.healthcheck ?? {}), [type]: list });
  };
  const reset = () => {
    const { [type]: _, ...rest } = app.healthcheck ?? {};
    void save.run(Object.keys(rest).length ? rest : null).then((ok) => ok && setForm(blank(type)));
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Health check</h2>
      <p className="muted small">
        New instances must pass every startup check before they get traffic; a failing check stops the rollout and the previous release keeps serving.
        {configured ? '' : " Not set: each release's app.json applies, else the default (web must accept a TCP connection on $PORT)."}
        {others.length > 0 && ` This type also has ${others.map((c) => `${c.type} check "${c.name}"`).join(', ')}, kept when you save.`}
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
          <select id={`${id}-kind`} value={form.kind} onChange={(e) => set({ kind: e.target.value as Kind })}>
            <option value="path">HTTP request</option>
            <option value="command">Command in the container</option>
            <option value="uptime">Stays up</option>
            <option value="listening">TCP connect</option>
          </select>
        </Field>
        {form.kind === 'path' && (
          <>
            <Field id={`${id}-path`} label="Path">
              <input id={`${id}-path`} className="mono" required pattern="/.*" title="Starts with /" value={form.path} onChange={(e) => set({ path: e.target.value })} />
            </Field>
            <Field id={`${id}-content`} label="Expected content (optional)">
              <input id={`${id}-content`} value={form.content} onChange={(e) => set({ content: e.target.value })} />
            </Field>
          </>
        )}
        {form.kind === 'command' && (
          <Field id={`${id}-command`} label="Command (exit 0 passes)">
            <input id={`${id}-command`} className="mono" required value={form.command} onChange={(e) => set({ command: e.target.value })} />
          </Field>
        )}
        {form.kind === 'uptime' ? (
          <Field id={`${id}-uptime`} label="Seconds up">
            <input id={`${id}-uptime`} type="number" min={1} max={3600} required value={form.uptime} onChange={(e) => set({ uptime: Number(e.target.value) })} />
          </Field>
        ) : (
          <>
            <Field id={`${id}-timeout`} label="Timeout (seconds)">
              <input id={`${id}-timeout`} type="number" min={1} max={300} required value={form.timeout} onChange={(e) => set({ timeout: Number(e.target.value) })} />
            </Field>
            <Field id={`${id}-attempts`} label="Attempts">
              <input id={`${id}-attempts`} type="number" min={1} max={100} required value={form.attempts} onChange={(e) => set({ attempts: Number(e.target.value) })} />
            </Field>
          </>
        )}
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
