import type { ActivityEntry } from '../api/team-types';
import { actorName, time } from '../format';

/** What happened in the team, newest first: who did it and why. */
export function ActivityFeed(props: { entries: ActivityEntry[] | null }) {
  if (props.entries === null) return <p class="muted">Loading activity…</p>;
  if (!props.entries.length) return <p class="muted">No activity yet.</p>;
  return (
    <ol class="timeline" data-testid="activity">
      {props.entries.map((e) => (
        <li key={e.eventId} data-testid="activity-entry" data-type={e.type}>
          <span class="mono small muted">{time(e.at)}</span> {e.agent && !e.summary.includes(e.agent) ? <strong>{e.agent} </strong> : null}
          {e.summary} <span class="small muted">— {actorName(e.actor)}</span>
          {e.reason ? <span class="small muted"> ({e.reason})</span> : null}
        </li>
      ))}
    </ol>
  );
}
