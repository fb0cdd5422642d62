import { linePath, niceMax, type Series } from '../lib/chart.ts';

const W = 300;
const H = 90;

/**
 * A small hand-drawn SVG line chart (no chart library: a few hundred bytes).
 * The figure carries a text summary for screen readers; the lines are decoration.
 */
export function LineChart({ title, series, format, summary }: { title: string; series: Series[]; format: (v: number) => string; summary: string }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  return (
    <figure className="chart card" aria-label={title}>
      <figcaption>
        <span className="strong">{title}</span> <span className="muted small">{summary}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${title}: ${summary}`}>
        <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} className="axis" />
        <line x1="0" y1="0.5" x2={W} y2="0.5" className="grid" />
        {series.map((s, i) => (
          <path key={s.label} d={linePath(s.values, max, W, H)} className={`line line-${i}`} vectorEffect="non-scaling-stroke" />
        ))}
      </svg>
      <div className="chart-scale muted small">
        <span>max {format(max)}</span>
        {series.length > 1 && (
          <span className="legend">
            {series.map((s, i) => (
              <span key={s.label} className={`key key-${i}`}>
                {s.label}
              </span>
            ))}
          </span>
        )}
      </div>
    </figure>
  );
}
