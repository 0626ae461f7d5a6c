import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AgentLogRepository } from '@sacp/event-store';
import { JsonLogger } from '@sacp/platform';
import { MonitorLeader } from '../monitor-leader';
import { MonitorSettings } from '../monitor.settings';
import { PassLoop } from '../passes';
import { LINE_OVERHEAD_BYTES, planPrune, type RetentionPolicy } from './retention';
import { TeamRetentions, teamRetentionPolicy } from './team-retention';

/** Lines deleted per statement: short transactions, no long lock on the collector's inserts. */
const DELETE_BATCH = 5000;

/**
 * Keeps the collected logs within their retention, on the elected replica, every
 * MONITOR_LOG_PRUNE_INTERVAL_MS: lines older than the age limit go, then, per team,
 * the oldest lines beyond the size limit (planned from agent_log_volume, cut to the
 * line within the boundary minute). Cursors of containers not read for as long go too.
 */
@Injectable()
export class LogRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: PassLoop;

  constructor(
    private readonly repo: AgentLogRepository,
    private readonly leader: MonitorLeader,
    private readonly settings: MonitorSettings,
    private readonly log: JsonLogger,
    private readonly teams: TeamRetentions,
  ) {
    this.loop = new PassLoop(
      'log-retention',
      settings.logs.pruneIntervalMs,
      () => leader.isLeader,
      () => this.prune(),
      log,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): void {
    this.loop.stop();
  }

  /** The policy of a team's lines ('' = agents in no team): the team's `logRetention` where it sets a limit, the global one elsewhere. */
  policyFor(team: string): RetentionPolicy {
    return teamRetentionPolicy(this.settings.logs.retention, this.teams.of(team));
  }

  /** One prune; returns the lines deleted. */
  async prune(now = new Date()): Promise<number> {
    let deleted = 0;
    for (const plan of planPrune(await this.repo.volume(), (t) => this.policyFor(t), now)) {
      deleted += await this.deleteBefore(plan.team, plan.olderThan);
      if (plan.sizeCut) {
        const { minute, keepBytes } = plan.sizeCut;
        const kept = await this.repo.oldestKeptWithinMinute(plan.team, minute, keepBytes, LINE_OVERHEAD_BYTES);
        deleted += await this.deleteBefore(plan.team, kept ?? new Date(Date.parse(minute) + 60_000).toISOString());
      }
    }
    await this.repo.deleteCursorsBefore(new Date(now.getTime() - this.settings.logs.retention.maxAgeMs).toISOString());
    if (deleted > 0) this.log.info('pruned collected logs', { lines: deleted });
    return deleted;
  }

  private async deleteBefore(team: string, before: string): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.repo.deleteBefore(team, before, DELETE_BATCH);
      total += n;
      if (n < DELETE_BATCH || !this.leader.isLeader) return total;
    }
  }
}
