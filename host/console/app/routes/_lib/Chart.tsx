// A hand-drawn SVG line chart of one series over the last hour, newest at
// the right edge: no chart library.
export function Chart({ label, values, slots, unit }: { label: string; values: number[]; slots: number; unit: (v: number) => string }) {
  const w = 240;
  const h = 40;
  const top = Math.max(0, ...values);
  const scale = top || 1;
  const pad = 3; // room for the dot of the last point
  const step = (w - 2 * pad) / Math.max(1, slots - 1);
  const x = (i: number) => (w - pad - (values.length - 1 - i) * step).toFixed(1);
  const y = (v: number) => (h - pad - (v / scale) * (h - 2 * pad)).toFixed(1);
  const points = values.map((v, i) => `${x(i)},${y(v)}`).join(" ");
  return (
    <figure className="chart">
      <figcaption>
        {label} <small>(max {unit(top)})</small>
      </figcaption>
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} data-points={values.length}>
        {values.length > 0 ? <polyline points={points} /> : null}
        {values.length > 0 ? <circle cx={x(values.length - 1)} cy={y(values[values.length - 1])} r={2} /> : null}
      </svg>
    </figure>
  );
}

export const count = (v: number) => v.toFixed(0);
export const ms = (v: number) => `${v.toFixed(1)} ms`;
export const mib = (v: number) => `${(v / (1 << 20)).toFixed(0)} MiB`;
