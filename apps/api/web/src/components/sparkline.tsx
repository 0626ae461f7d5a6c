/** A small trend line (CPU or memory over the last samples), drawn as SVG. */
export function Sparkline(props: { values: number[]; max?: number; label: string; width?: number; height?: number }) {
  const w = props.width ?? 64;
  const h = props.height ?? 18;
  const values = props.values.length ? props.values : [0];
  const max = Math.max(props.max ?? 0, ...values, 1e-9);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 1 - (v / max) * (h - 2)).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label={props.label}>
      <polyline points={values.length > 1 ? points : `0,${h - 1} ${w},${h - 1}`} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}
