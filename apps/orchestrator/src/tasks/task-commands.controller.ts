import { Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { TaskRepository } from '@sacp/event-store';
import { Subjects, type CancelTaskPayloadV1, type CommandReply } from '@sacp/events';
import { type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { CommandHandlers } from '../bus/handlers.decorator';
import { AgentLocator } from '../commands/agent-locator';
import { Commands } from '../commands/commands';
import { TeamLocator } from '../teams/team-locator';
import { TASK_AGENT_CHANNEL, type TaskAgentChannel } from './agent-channel.port';
import { TaskLocator } from './task-locator';
import { cancelTask, createTask } from './task.use-cases';

/** Tasks from the front doors: create one for an agent or a team, cancel one. */
@CommandHandlers()
export class TaskCommandsController {
  constructor(
    private readonly commands: Commands,
    private readonly tasks: TaskLocator,
    private readonly agents: AgentLocator,
    private readonly teams: TeamLocator,
    private readonly repository: TaskRepository,
    @Inject(TASK_AGENT_CHANNEL) private readonly channel: TaskAgentChannel,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  @MessagePattern(Subjects.commandOf('task.create'))
  create(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => createTask(c, { tasks: this.tasks, agents: this.agents, teams: this.teams, repository: this.repository }));
  }

  /** The agent holding the task is told after the commit; if it does not hear it, its later reports are answered TASK.STALE_ATTEMPT. */
  @MessagePattern(Subjects.commandOf('task.cancel'))
  cancel(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, async (c) => {
      const outcome = await cancelTask(c, { tasks: this.tasks });
      const held = outcome.held;
      if (!held) return outcome;
      return {
        ...outcome,
        afterCommit: async () => {
          const msg = { taskId: (c.payload as CancelTaskPayloadV1).taskId, attempt: held.attempt, reason: c.reason ?? `cancelled by ${c.actor.displayName}` };
          await this.channel.cancel(held.agentId, msg).catch((err: unknown) => this.log.info('the agent did not hear the cancel', { ...msg, agentId: held.agentId, error: err }));
          return {};
        },
      };
    });
  }
}
