import type { AgentSample } from '../api/types';
import { bytes, percent } from '../format';

/** One resource over the recent samples, with its scale written out. */
function Chart(props: { title: string; values: number[]; max: number; label: (v: number) => string }) {
  const w = 300;
  const h = 80;
  const max = Math.max(props.max, ...props.values, 1e-9);
  const n = props.values.length;
  const pts = props.values.map((v, i) => `${n > 1 ? ((i / (n - 1)) * w).toFixed(1) : 0},${(h - (v / max) * (h - 4)).toFixed(1)}`).join(' ');
  const last = props.values[n - 1];
  return (
    <figure class="chart">
      <figcaption class="row between">
        <span>{props.title}</span>
        <strong>{last === undefined ? '–' : props.label(last)}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" role="img" aria-label={`${props.title}, ${n} samples, up to ${props.label(max)}`}>
        <line x1="0" y1={h - 0.5} x2={w} y2={h - 0.5} class="axis" />
        {n > 1 ? <polyline points={pts} class="series" fill="none" vector-effect="non-scaling-stroke" /> : null}
      </svg>
      <span class="muted small">scale 0 – {props.label(max)}</span>
    </figure>
  );
}

export function ResourceCharts(props: { samples: AgentSample[] }) {
  const s = props.samples;
  const limit = s[s.length - 1]?.memoryLimitBytes ?? 0;
  return (
    <section class="card" aria-labelledby="res-h">
      <h2 id="res-h">Resources</h2>
      {s.length ? (
        <div class="charts">
          <Chart title="CPU" values={s.map((x) => x.cpuPercent)} max={100} label={percent} />
          <Chart title="Memory" values={s.map((x) => x.memoryBytes)} max={limit} label={bytes} />
        </div>
      ) : (
        <p class="muted">No samples yet: they arrive while the agent runs.</p>
      )}
    </section>
  );
}
