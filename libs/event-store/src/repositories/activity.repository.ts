import type { DataSource } from 'typeorm';
import type { StoredEvent } from '@sacp/events';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../postgres/event-rows';

/** What an activity feed covers: whole streams (a team's, its members'), and the alerts about some agents. */
export interface ActivityScope {
  streamIds: string[];
  alertAgentIds: string[];
  /** the team whose tasks' streams are in the feed (its newest ACTIVITY_MAX_STREAMS tasks) */
  taskTeam?: string | null;
  /** agents whose task events (assigned, accepted, progress, results, failures) are in the feed */
  taskAgentIds?: string[];
}

const AGENT_TASK_EVENTS = ['task.assigned', 'task.accepted', 'task.progressed', 'task.succeeded', 'task.attempt_failed', 'task.requeued'];

/** Streams and agents one feed may cover: a bound on the work one page costs. */
export const ACTIVITY_MAX_STREAMS = 500;

/**
 * Reads activity feeds from the events table, newest first. Each stream is walked
 * backwards on its own (stream_id, stream_position) index, at most one page from each,
 * then merged: a page costs (streams × page) index rows whatever the history's length.
 * Alerts are found by type (events_type) and the agent in their data.
 *
 * Paging is by global position (`before`): the order events were written, which is
 * what a feed shows. Unlike the relay's reader it does not wait for in-flight
 * transactions: an event committing late below a page already read is not shown on
 * the later pages (it is in the next first page), acceptable for a feed, not for a
 * projection.
 */
export class ActivityRepository {
  constructor(private readonly dataSource: DataSource) {}

  async page(scope: ActivityScope, before: string | null, limit: number): Promise<StoredEvent[]> {
    const streamIds = scope.streamIds.slice(0, ACTIVITY_MAX_STREAMS);
    const agentIds = scope.alertAgentIds.slice(0, ACTIVITY_MAX_STREAMS);
    const rows: EventRow[] = await this.dataSource.query(
      `select ${EVENT_COLUMNS} from (
         select e.* from unnest($1::text[]) s(id)
           cross join lateral (
             select * from events
              where stream_id = s.id and ($3::bigint is null or global_position < $3::bigint)
              order by stream_position desc limit $4) e
         union all
         select * from events
          where type in ('alert.raised', 'alert.resolved') and data->>'agentId' = any($2::text[])
            and ($3::bigint is null or global_position < $3::bigint)
         union all
         select e.* from (select 'task-' || task_id as id from tasks where team = $5 order by created_at desc limit ${ACTIVITY_MAX_STREAMS}) t
           cross join lateral (
             select * from events
              where stream_id = t.id and ($3::bigint is null or global_position < $3::bigint)
              order by stream_position desc limit $4) e
         union all
         select * from events
          where type = any($7::text[]) and data->>'agentId' = any($6::text[])
            and ($3::bigint is null or global_position < $3::bigint)
       ) events
       order by global_position desc limit $4`,
      [streamIds, agentIds, before, limit, scope.taskTeam ?? null, (scope.taskAgentIds ?? []).slice(0, ACTIVITY_MAX_STREAMS), AGENT_TASK_EVENTS],
    );
    return rows.map(toStoredEvent);
  }
}
