import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { lineDiff, stableJson, type DiffLine } from '../line-diff';
import { ErrorNote } from './error-note';

/** `path` is a JSON Pointer (`/resources/memory`); `kind` added, removed or changed */
interface Change {
  path: string;
  kind?: string;
  before?: unknown;
  after?: unknown;
}

const show = (v: unknown) => (v === undefined ? '∅' : JSON.stringify(v));
/** the template itself inside a version's body, whichever way the API wraps it */
const bodyOf = (v: unknown): unknown => (v && typeof v === 'object' && 'definition' in v ? v.definition : v);

/** What changed between two versions: the API's field changes, or a line diff of both versions. */
export function TemplateDiff(props: { name: string; from: number; to: number }) {
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [lines, setLines] = useState<DiffLine[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setChanges(null);
    setLines(null);
    setError(null);
    const { name, from, to } = props;
    api
      .templateDiff(name, from, to)
      .then(async (d) => {
        const list = d && typeof d === 'object' ? (d as { changes?: unknown }).changes : null;
        if (Array.isArray(list)) return setChanges(list as Change[]);
        const [a, b] = await Promise.all([api.templateVersion(name, from), api.templateVersion(name, to)]);
        setLines(lineDiff(stableJson(bodyOf(a)), stableJson(bodyOf(b))));
      })
      .catch((err: unknown) => setError(messageOf(err)));
  }, [props.name, props.from, props.to]);

  return (
    <div data-testid="template-diff">
      <ErrorNote error={error} />
      {changes ? (
        changes.length ? (
          <table class="diff-table">
            <thead>
              <tr>
                <th>Field</th>
                <th>v{props.from}</th>
                <th>v{props.to}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.path}>
                  <td class="mono">{c.path}</td>
                  <td class="del mono">{show(c.before)}</td>
                  <td class="add mono">{show(c.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="muted">No differences.</p>
        )
      ) : null}
      {lines ? (
        <pre class="diff">
          {lines.map((l, i) => (
            <div key={i} class={l.op === '+' ? 'add' : l.op === '-' ? 'del' : undefined}>
              {l.op} {l.text}
            </div>
          ))}
        </pre>
      ) : null}
    </div>
  );
}
