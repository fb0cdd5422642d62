/** Pure geometry for the small line charts: data points to an SVG path in a w×h box. */
export interface Series {
  label: string;
  values: (number | null)[];
}

/** A "nice" upper bound for the y axis: 1, 2 or 5 × 10^n at or above the largest value. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * power >= max) ?? 10) * power;
}

/** Path through the non-null values; a gap (null) starts a new segment. */
export function linePath(values: (number | null)[], max: number, w: number, h: number): string {
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (h - (Math.min(v, max) / max) * h).toFixed(1);
    d += `${pen ? 'L' : 'M'}${x},${y}`;
    pen = true;
  });
  return d;
}
