import { useEffect, useState } from 'preact/hooks';
import { time } from '../format';

const toLocalInput = (ms: number): string => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

/**
 * The fleet at any moment since the first event: a slider from the first event to now
 * (arrow keys move a second, Page Up/Down larger steps) and an exact time field. The
 * chosen moment is committed when the slider is let go, so dragging asks nothing.
 */
export function TimeSlider(props: { first: number; at: number | null; onChange: (at: number | null) => void }) {
  const [now, setNow] = useState(Date.now());
  const [draft, setDraft] = useState<number>(props.at ?? now);
  useEffect(() => setDraft(props.at ?? Date.now()), [props.at]);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  const min = Math.floor(Math.min(props.first, now) / 1000);
  const max = Math.ceil(now / 1000);
  const value = Math.min(max, Math.max(min, Math.round(draft / 1000)));
  return (
    <section class="slider" aria-label="Time travel" data-testid="time-slider">
      <div class="row wrap">
        <label class="grow">
          <span class="small muted">
            Fleet at <strong data-testid="slider-time">{props.at === null ? 'now (live)' : time(new Date(draft).toISOString())}</strong>
          </span>
          <input
            type="range"
            min={min}
            max={max}
            step={1}
            value={value}
            aria-valuetext={time(new Date(value * 1000).toISOString())}
            onInput={(e) => setDraft(Number(e.currentTarget.value) * 1000)}
            onChange={(e) => {
              const s = Number(e.currentTarget.value);
              props.onChange(s >= max ? null : s * 1000);
            }}
            data-testid="slider-range"
          />
        </label>
        <label>
          <span class="small muted">Exact time</span>
          <input
            type="datetime-local"
            step={1}
            min={toLocalInput(min * 1000)}
            max={toLocalInput(max * 1000)}
            value={toLocalInput(value * 1000)}
            onChange={(e) => {
              const ms = new Date(e.currentTarget.value).getTime();
              if (Number.isFinite(ms)) props.onChange(ms);
            }}
            data-testid="slider-exact"
          />
        </label>
        <button type="button" onClick={() => props.onChange(null)} disabled={props.at === null}>
          Back to live
        </button>
      </div>
    </section>
  );
}
