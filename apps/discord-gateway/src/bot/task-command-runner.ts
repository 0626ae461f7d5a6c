/*
 * The task commands (`!task <team|agent> <title> [-- instructions]`, `!task list|show|
 * cancel`). A name is a team's when a team has it, otherwise an agent's, as for
 * `!activity`; the team is looked up before the command is sent, so the command id is
 * used once, for the right command.
 */
import { Inject, Injectable } from '@nestjs/common';
import { BusClient, type OnWaiting, type RetryPolicy } from '@sacp/bus';
import { CONFIG } from '@sacp/platform/nest';
import type { DiscordGatewayConfig } from '../config';
import { queryRetry } from './agent-follow';
import type { ParsedCommand } from './command-specs';
import { errorReply } from './replies';
import type { BotReply } from './reply-types';
import type { Sending } from './team-command-runner';
import { taskCancelledReply, taskCreatedReply, taskListReply, taskReply } from './task-replies';

/** Tasks one list reply shows (newest first). */
const LIST_SIZE = 20;

@Injectable()
export class TaskCommandRunner {
  private readonly prefix: string;
  private readonly retry: RetryPolicy;

  constructor(
    @Inject(BusClient) private readonly bus: BusClient,
    @Inject(CONFIG) config: DiscordGatewayConfig,
  ) {
    this.prefix = config.DISCORD_PREFIX;
    this.retry = queryRetry(config);
  }

  async run(cmd: ParsedCommand, sending: Sending): Promise<BotReply> {
    const a = cmd.args;
    const reading = { retry: this.retry, onWaiting: sending.onWaiting };
    switch (cmd.spec.name) {
      case 'task': {
        const name = String(a.assignee);
        const isTeam = await this.isTeam(name, reading);
        if (typeof isTeam !== 'boolean') return isTeam;
        if (!isTeam && a.role) return { content: `⚠️ --role goes with a team; there is no team named "${name.slice(0, 100)}" (for one agent, leave the role out)`, private: true };
        const title = String(a.title);
        const r = await this.bus.send(
          'task.create',
          {
            title,
            ...(a.instructions ? { instructions: String(a.instructions) } : {}),
            ...(a.priority ? { priority: String(a.priority) as 'low' | 'normal' | 'high' | 'urgent' } : {}),
            ...(a.deadline ? { deadline: new Date(String(a.deadline)).toISOString() } : {}),
            ...(isTeam ? { team: name, ...(a.role ? { role: String(a.role) } : {}) } : { agent: name }),
          },
          sending,
        );
        return r.ok ? taskCreatedReply({ ...r.result, title, for: isTeam ? `team ${name}${a.role ? ` (${String(a.role)})` : ''}` : name }) : errorReply(r.error, this.prefix);
      }
      case 'task list': {
        const name = a.assignee === undefined ? null : String(a.assignee);
        const isTeam = name === null ? false : await this.isTeam(name, reading);
        if (typeof isTeam !== 'boolean') return isTeam;
        const filter = name === null ? {} : isTeam ? { team: name } : { agent: name };
        const r = await this.bus.query('task.list', { ...filter, pageSize: LIST_SIZE }, reading);
        return r.ok ? taskListReply(name === null ? null : isTeam ? `team ${name}` : name, r.result, this.prefix) : errorReply(r.error, this.prefix);
      }
      case 'task show': {
        const r = await this.bus.query('task.get', { taskId: String(a.task) }, reading);
        return r.ok ? taskReply(r.result) : errorReply(r.error, this.prefix);
      }
      case 'task cancel': {
        const r = await this.bus.send('task.cancel', { taskId: String(a.task) }, sending);
        return r.ok ? taskCancelledReply(r.result) : errorReply(r.error, this.prefix);
      }
      default:
        return { content: `⚠️ ${cmd.spec.name} is not a task command`, private: true };
    }
  }

  /** Whether a team has this name (else it is taken for an agent's); an error reply when the control plane cannot say. */
  private async isTeam(name: string, reading: { retry: RetryPolicy; onWaiting: OnWaiting }): Promise<boolean | BotReply> {
    const r = await this.bus.query('team.get', { team: name }, reading);
    if (r.ok) return true;
    return r.error.code === 'TEAM.NOT_FOUND' ? false : errorReply(r.error, this.prefix);
  }
}
