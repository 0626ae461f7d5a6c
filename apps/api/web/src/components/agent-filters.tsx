export interface Filters {
  q: string;
  state: string;
  health: string;
  template: string;
}

export const NO_FILTERS: Filters = { q: '', state: '', health: '', template: '' };

/** Search by name and filter by observed state, health and template; all applied in the browser, live. */
export function AgentFilters(props: { value: Filters; templates: string[]; onChange: (f: Filters) => void }) {
  const f = props.value;
  const set = (patch: Partial<Filters>) => props.onChange({ ...f, ...patch });
  return (
    <div class="filters" role="search">
      <label class="grow">
        <span class="sr-only">Search agents</span>
        <input type="search" placeholder="Search name, template…" value={f.q} onInput={(e) => set({ q: e.currentTarget.value })} data-testid="search" />
      </label>
      <label>
        <span class="sr-only">State</span>
        <select value={f.state} onChange={(e) => set({ state: e.currentTarget.value })} aria-label="State">
          <option value="">any state</option>
          {['running', 'starting', 'stopped', 'exited', 'failed', 'removed'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="sr-only">Health</span>
        <select value={f.health} onChange={(e) => set({ health: e.currentTarget.value })} aria-label="Health">
          <option value="">any health</option>
          {['healthy', 'unhealthy', 'unknown'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="sr-only">Template</span>
        <select value={f.template} onChange={(e) => set({ template: e.currentTarget.value })} aria-label="Template">
          <option value="">any template</option>
          {props.templates.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
