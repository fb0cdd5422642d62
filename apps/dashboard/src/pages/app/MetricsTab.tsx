import { api } from '../../api/endpoints.ts';
import type { AppMetrics } from '@slipway/api-types';
import { useLoad } from '../../hooks/useLoad.ts';
import { usePolling } from '../../hooks/usePolling.ts';
import { LoadView } from '../../components/LoadView.tsx';
import { LineChart } from '../../components/LineChart.tsx';
import { useAppContext } from './useAppContext.ts';

const last = (values: (number | null)[]): number | null => [...values].reverse().find((v) => v !== null) ?? null;
const ms = (v: number | null) => (v === null ? '—' : v < 1 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`);
const rate = (v: number | null) => (v === null ? '—' : `${v < 10 ? v.toFixed(1) : Math.round(v)}/s`);
const mb = (v: number | null) => (v === null ? '—' : `${Math.round(v)} MB`);

/** Router figures over the last hour (10 s steps) and memory per instance; refreshed every 10 s. */
export function MetricsTab() {
  const { app } = useAppContext();
  const metrics = useLoad(() => api.metrics(app.name), [app.name]);
  usePolling(metrics.reload, 10_000);
  return (
    <div className="stack">
      <LoadView state={metrics} label="Loading metrics">
        {(m) => <Charts m={m} />}
      </LoadView>
    </div>
  );
}

function Charts({ m }: { m: AppMetrics }) {
  const rps = m.series.map((p) => p.requestsPerSecond);
  const p50 = m.series.map((p) => p.p50Ms);
  const p99 = m.series.map((p) => p.p99Ms);
  const errors = m.series.map((p) => p.errorRate);
  const memory = m.memory.map((p) => p.usedMb);
  // Now: the instances' last samples against the limits of those that run.
  const sampled = m.instances.filter((i) => i.memoryUsedMb !== null);
  const memoryNow = sampled.length ? sampled.reduce((sum, i) => sum + (i.memoryUsedMb ?? 0), 0) : null;
  const quota = m.instances.filter((i) => i.state !== 'crashed').reduce((sum, i) => sum + i.memoryLimitMb, 0);
  return (
    <>
      {m.current.routers === 0 && m.series.length === 0 ? (
        <p className="card muted">No traffic figures yet: the routers report every 5 seconds once the app serves requests.</p>
      ) : (
        <p className="muted small">
          {m.current.routers} router{m.current.routers === 1 ? '' : 's'} reporting · {m.current.backends.up} of {m.current.backends.total} backends up
          {m.current.websockets ? ` · ${m.current.websockets} WebSocket${m.current.websockets === 1 ? '' : 's'} open` : ''}
        </p>
      )}
      <div className="charts">
        <LineChart title="Requests" series={[{ label: 'req/s', values: rps }]} format={rate} summary={`now ${rate(last(rps))}`} />
        <LineChart
          title="Latency"
          series={[
            { label: 'p50', values: p50 },
            { label: 'p99', values: p99 },
          ]}
          format={ms}
          summary={`p50 ${ms(last(p50))} · p99 ${ms(last(p99))}`}
        />
        <LineChart title="5xx responses" series={[{ label: '5xx', values: errors }]} format={pct} summary={`now ${pct(last(errors))}`} />
        <LineChart title="Memory" series={[{ label: 'used', values: memory }]} format={mb} summary={`now ${mb(memoryNow)} of ${quota} MB`} />
      </div>
      <section className="card stack" aria-labelledby="mem-title">
        <h2 id="mem-title">Memory per instance</h2>
        {m.instances.length === 0 ? (
          <p className="muted">No instances running.</p>
        ) : (
          <ul className="plain list" aria-label="Memory per instance">
            {m.instances.map((i) => (
              <li key={i.name} className="list-row">
                <span>
                  <span className="mono strong">{i.name}</span> <span className={`badge state-${i.state}`}>{i.state}</span>
                </span>
                <span className="small">
                  {i.memoryUsedMb === null ? 'not sampled yet' : `${i.memoryUsedMb} MB used`} · limit {i.memoryLimitMb} MB
                </span>
              </li>
            ))}
          </ul>
        )}
        <p className="muted small">Sampled by each node's agent every 10 seconds, as docker stats counts it (page cache the kernel can reclaim left out).</p>
      </section>
    </>
  );
}
