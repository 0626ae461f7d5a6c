import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { TemplateDetail, TemplateVersion } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { Link } from '../components/link';
import { TemplateDiff } from '../components/template-diff';
import { actorName, time } from '../format';

/** One template: its versions, who runs which, and the diff between any two versions. */
export function TemplateDetailPage(props: { name: string }) {
  const [t, setT] = useState<TemplateDetail | null>(null);
  const [versions, setVersions] = useState<TemplateVersion[]>([]);
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .template(props.name)
      .then(setT)
      .catch((err: unknown) => setError(messageOf(err)));
    api
      .templateVersions(props.name)
      .then((p) => {
        const sorted = [...p.items].sort((a, b) => a.version - b.version);
        setVersions(sorted);
        setTo(sorted[sorted.length - 1]?.version ?? 0);
        setFrom(sorted[sorted.length - 2]?.version ?? sorted[0]?.version ?? 0);
      })
      .catch((err: unknown) => setError(messageOf(err)));
  }, [props.name]);

  const pick = (value: number, set: (n: number) => void, label: string) => (
    <label>
      <span class="small muted">{label}</span>
      <select value={value} onChange={(e) => set(Number(e.currentTarget.value))}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <main id="main" class="page">
      <p>
        <Link href="/templates">← Templates</Link>
      </p>
      <h1>{props.name}</h1>
      <ErrorNote error={error} />
      {t ? (
        <p class="small">
          {t.definition.description ? `${t.definition.description} · ` : ''}
          <span class="mono">{t.definition.image}</span> · memory {t.definition.resources?.memory ?? 'default'} · CPUs {t.definition.resources?.cpus ?? 'default'} · pids{' '}
          {t.definition.resources?.pids ?? 'default'}
          {t.changedSinceRegistered ? ' · the file changed: the next deploy registers a new version' : ''}
        </p>
      ) : null}
      <div class="two">
        <section class="card">
          <h2>Versions</h2>
          <ol class="list compact" data-testid="template-versions">
            {[...versions].reverse().map((v) => (
              <li key={v.version} data-version={v.version}>
                v{v.version} <span class="muted small">{time(v.at)}</span> <span class="small">by {actorName(v.actor)}</span>{' '}
                <span class="mono small muted">{v.hash.replace(/^sha256:/, '').slice(0, 12)}</span>
              </li>
            ))}
          </ol>
        </section>
        <section class="card">
          <h2>Who runs which version</h2>
          {t?.agents?.length ? (
            <ul class="list compact">
              {t.agents.map((a) => (
                <li key={a.agent}>
                  <Link href={`/agents/${encodeURIComponent(a.agent)}`}>{a.agent}</Link> <span class="muted">v{a.version}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">No agent runs this template.</p>
          )}
        </section>
      </div>
      {versions.length > 1 ? (
        <section class="card">
          <div class="row wrap">
            <h2 class="grow">Diff</h2>
            {pick(from, setFrom, 'From')}
            {pick(to, setTo, 'To')}
          </div>
          <TemplateDiff name={props.name} from={from} to={to} />
        </section>
      ) : null}
    </main>
  );
}
