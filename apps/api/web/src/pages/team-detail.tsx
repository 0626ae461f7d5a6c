import type { Me } from '../api/types';
import { ActivityFeed } from '../components/activity-feed';
import { ErrorNote } from '../components/error-note';
import { Link } from '../components/link';
import { QuotaBars } from '../components/quota-bar';
import { TaskBoard } from '../components/task-board';
import { TeamActions } from '../components/team-actions';
import { TeamMembers } from '../components/team-members';
import { useTeamView } from '../state/team-view';

/** One team: its members with their state and current task, its task board, its activity, and an operator's controls. */
export function TeamDetailPage(props: { name: string; me: Me }) {
  const view = useTeamView(props.name);
  const { team } = view;
  if (!team)
    return (
      <main id="main" class="page">
        <p>
          <Link href="/teams">← Teams</Link>
        </p>
        {view.error ? <ErrorNote error={view.error} /> : <p class="muted">Loading {props.name}…</p>}
      </main>
    );
  return (
    <main id="main" class="page" data-testid="team-detail" data-team={team.name}>
      <p>
        <Link href="/teams">← Teams</Link>
      </p>
      <div class="row wrap between">
        <h1>Team {team.name}</h1>
        <TeamActions team={team} me={props.me} onChanged={view.reload} />
      </div>
      {team.description ? <p>{team.description}</p> : null}
      <ErrorNote error={view.error} />
      <div class="two">
        <section aria-labelledby="members-title">
          <h2 id="members-title">
            Members <span class="muted small">{team.members.length}</span>
          </h2>
          <TeamMembers team={team} tasks={view.tasks} me={props.me} onChanged={view.reload} />
        </section>
        <section aria-labelledby="quota-title">
          <h2 id="quota-title">Quota</h2>
          <QuotaBars usage={team.usage} quota={team.quota} />
          <p class="small muted">
            Configuration v{team.configVersion} · {team.config.egress ? 'may reach the internet' : 'no route out'}
          </p>
        </section>
      </div>
      <section aria-labelledby="board-title">
        <h2 id="board-title">Tasks</h2>
        <TaskBoard tasks={view.tasks} error={view.tasksError} me={props.me} onChanged={view.reload} />
      </section>
      <section aria-labelledby="activity-title">
        <h2 id="activity-title">Activity</h2>
        <ActivityFeed entries={view.activity} />
      </section>
    </main>
  );
}
