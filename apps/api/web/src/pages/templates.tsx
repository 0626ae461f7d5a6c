import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { TemplateSummary } from '../api/types';
import { ErrorNote } from '../components/error-note';
import { Link } from '../components/link';

/** The templates agents are deployed from, with their current version and limits. */
export function TemplatesPage() {
  const [items, setItems] = useState<TemplateSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .templates()
      .then((p) => setItems(p.items))
      .catch((err: unknown) => setError(messageOf(err)));
  }, []);
  return (
    <main id="main" class="page">
      <h1>Templates</h1>
      <ErrorNote error={error} />
      <ul class="list" data-testid="templates">
        {items.map((t) => (
          <li key={t.name}>
            <div class="row wrap between">
              <Link href={`/templates/${encodeURIComponent(t.name)}`}>
                <strong>{t.name}</strong>
              </Link>
              <span class="muted small">{t.version === null ? 'not registered' : `version ${t.version}`}</span>
            </div>
            <span class="small block">
              {t.description ? `${t.description} · ` : ''}
              <span class="mono">{t.image}</span> · memory {t.resources?.memory ?? 'default'} · CPUs {t.resources?.cpus ?? 'default'} · pids {t.resources?.pids ?? 'default'}
            </span>
          </li>
        ))}
      </ul>
    </main>
  );
}
