import { Inject, Injectable } from '@nestjs/common';
import { BusClient, retryFor, type RetryPolicy } from '@sacp/bus';
import { isEventOf, type AgentStatusView, type StoredEvent } from '@sacp/events';
import { JsonLogger } from '@sacp/platform';
import { LOGGER, CONFIG } from '@sacp/platform/nest';
import type { DiscordGatewayConfig } from '../config';
import { inert, inertCode, inertLine, inertWord } from '../text/inert';
import { AgentEvents } from './agent-events';
import type { BotReply } from './reply-types';

const POLL_MS = 250;

export type Goal = 'running' | 'stopped' | 'removed';

/** A reason an operation failed, as the event or the status reports it. */
type Failure = { code?: string; message?: string; operation?: string };

/** Queries are retried for less than commands: a reply already said the command was accepted, and a user is waiting. */
export const queryRetry = (config: Pick<DiscordGatewayConfig, 'DISCORD_BUS_RETRY_MS'>): RetryPolicy => retryFor(Math.min(config.DISCORD_BUS_RETRY_MS, 10_000));

/**
 * Watches an agent after an accepted command until it reaches the goal, fails, or
 * DISCORD_FOLLOW_MS pass. The agent's events, as the relay publishes them, decide at
 * once; its status (read from the event store's registry) is polled as well, so a
 * missed event only costs a poll interval.
 */
@Injectable()
export class AgentFollower {
  private readonly prefix: string;
  private readonly followMs: number;
  private readonly statusRetry: RetryPolicy;

  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(AgentEvents) private readonly events: AgentEvents,
    @Inject(LOGGER) private readonly log: JsonLogger,
    @Inject(CONFIG) config: DiscordGatewayConfig,
  ) {
    this.prefix = config.DISCORD_PREFIX;
    this.followMs = config.DISCORD_FOLLOW_MS;
    this.statusRetry = queryRetry(config);
  }

  /** `doneText` is already inert; `rawName` is the agent's name as the control plane gave it. */
  async follow(agentId: string, rawName: string, goal: Goal, doneText: string, restart = false): Promise<BotReply> {
    const deadline = Date.now() + this.followMs;
    const since = Date.now() - 2000;
    const watch = this.events.watch(agentId);
    const name = inertLine(rawName);
    // an operation's failure often quotes what it was given (a name, a path, a port)
    const failed = (f: Failure) => ({
      content: `❌ **${name}** did not become ${goal}: ${inertWord(String(f.code))}: ${inert(String(f.message).slice(0, 1500))} (while trying to ${inertWord(String(f.operation))})`,
    });
    const gaveUp = { content: `❌ **${name}** keeps crashing; auto-recovery gave up. See \`${this.prefix}why ${inertCode(rawName)}\`` };
    const running = (containerId: string | null) => ({ content: `${doneText}${containerId ? ` · container \`${inertCode(containerId.slice(0, 12))}\`` : ''}` });
    try {
      let before: AgentStatusView | null = null;
      let last: AgentStatusView | null = null;
      for (;;) {
        // 1. the events that arrived since the last look
        for (const e of watch.take()) {
          const verdict = this.byEvent(e, goal, { done: { content: doneText }, running, failed, gaveUp });
          if (verdict) return verdict;
        }
        // 2. the status, for what happened before the watch began
        const r = await this.bus.query('agent.status', { agent: agentId }, { retry: this.statusRetry });
        if (!r.ok) {
          if (goal === 'removed' && r.error.code === 'AGENT.NOT_FOUND') return { content: doneText };
          if (r.error.code !== 'AGENT.NOT_FOUND') return { content: `⚠️ ${name} was accepted, but its progress cannot be followed: ${inert(r.error.message)}` };
        } else if (r.result[0]) {
          const v = r.result[0];
          before ??= v;
          last = v;
          const observed = v.state.observed;
          if (goal === 'removed' && observed === 'removed') return { content: doneText };
          if (goal === 'stopped' && (observed === 'stopped' || observed === 'exited' || observed === 'absent')) return { content: doneText };
          if (goal === 'running' && observed === 'running' && (!restart || v.restarts > before.restarts || v.runningSince !== before.runningSince)) return running(v.containerId);
          // an error from before this command (an earlier attempt) does not count
          const err = v.lastError && Date.parse(v.lastError.at) >= since ? v.lastError : null;
          if (err) return failed(err);
          if (v.recoveryAbandoned && goal === 'running') return gaveUp;
        }
        if (Date.now() + POLL_MS > deadline) {
          this.log.info('stopped following an agent: not at its goal in time', { agentId, goal, observed: last?.state.observed ?? null, followMs: this.followMs });
          return {
            content: `⏳ **${name}** was accepted but is not ${goal} after ${Math.round(this.followMs / 1000)} s (now ${last ? last.state.observed : 'not yet visible'}); it may still get there: check \`${this.prefix}status ${inertCode(rawName)}\``,
          };
        }
        await watch.next(POLL_MS);
      }
    } finally {
      watch.close();
    }
  }

  /** What one of the agent's events says about the goal, or null when it says nothing yet. */
  private byEvent(
    e: StoredEvent,
    goal: Goal,
    say: { done: BotReply; running: (containerId: string | null) => BotReply; failed: (f: Failure) => BotReply; gaveUp: BotReply },
  ): BotReply | null {
    // an event too large for the bus arrives without its body: the status poll tells the rest
    if (e.data === null || e.data === undefined) return null;
    if (goal === 'running' && (isEventOf(e, 'agent.container_started') || isEventOf(e, 'agent.container_restarted'))) return say.running(e.data.containerId);
    if (goal === 'stopped' && (isEventOf(e, 'agent.container_stopped') || isEventOf(e, 'agent.container_exited'))) return say.done;
    if (goal === 'removed' && isEventOf(e, 'agent.removed')) return say.done;
    if (isEventOf(e, 'agent.operation_failed')) return say.failed(e.data);
    if (goal === 'running' && isEventOf(e, 'agent.recovery_abandoned')) return say.gaveUp;
    return null;
  }
}
