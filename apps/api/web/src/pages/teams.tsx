import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { live } from '../api/live';
import type { Team } from '../api/team-types';
import { ErrorNote } from '../components/error-note';
import { Link } from '../components/link';
import { QuotaBars } from '../components/quota-bar';
import { Pill } from '../components/state-badge';

/** How many members are in each observed state: "2 running, 1 stopped". */
export function stateSummary(team: Team): [string, number][] {
  const counts = new Map<string, number>();
  for (const m of team.members) {
    const s = m.state?.observed ?? 'pending';
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The teams: their members' states and what they use of their quotas, kept current from the live connection. */
export function TeamsPage() {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () =>
      api
        .teams()
        .then((t) => alive && (setTeams(t), setError(null)))
        .catch((err: unknown) => alive && setError(messageOf(err)));
    void load();
    // a team's events, or any agent's (a member's state): the list again, once the burst is over
    const off = live.on((m) => {
      if (m.type === 'event' && !m.event.streamId.startsWith('team-') && !m.event.streamId.startsWith('agent-')) return;
      if (m.type !== 'event' && m.type !== 'resync' && !(m.type === 'hello' && m.gap)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void load().then(() => setTimeout(() => alive && void load(), 1200)), 300);
    });
    return () => {
      alive = false;
      off();
      if (timer) clearTimeout(timer);
    };
  }, []);

  return (
    <main id="main" class="page">
      <h1>
        Teams{' '}
        <span class="muted small" data-testid="team-count">
          {teams?.length ?? ''}
        </span>
      </h1>
      <ErrorNote error={error} />
      {teams && !teams.length ? (
        <p class="muted">
          No teams yet. Create one from a configuration of <code>configs/teams</code> with <code>sacp team create</code>, <code>!team create</code> in Discord or the API.
        </p>
      ) : null}
      <ul class="cards" data-testid="team-list" aria-busy={teams === null}>
        {(teams ?? []).map((t) => (
          <li key={t.name} class="card" data-testid="team-card" data-team={t.name}>
            <div class="row wrap between">
              <h2>
                <Link href={`/teams/${encodeURIComponent(t.name)}`}>{t.name}</Link>
              </h2>
              <span class="small muted" data-testid="member-count">
                {t.members.length} member{t.members.length === 1 ? '' : 's'}
                {t.config.members.length !== t.members.length ? ` (configuration: ${t.config.members.length})` : ''}
              </span>
            </div>
            {t.description ? <p class="small">{t.description}</p> : null}
            <p class="row wrap" data-testid="state-summary">
              {stateSummary(t).map(([s, n]) => (
                <span key={s}>
                  <Pill value={s} /> <span class="small">×{n}</span>
                </span>
              ))}
            </p>
            <QuotaBars usage={t.usage} quota={t.quota} compact />
          </li>
        ))}
      </ul>
    </main>
  );
}
