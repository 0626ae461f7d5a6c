import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { EventStore } from '@sacp/event-store';
import { Subjects, type CommandReply } from '@sacp/events';
import { CommandHandlers } from '../bus/handlers.decorator';
import { AgentLocator } from './agent-locator';
import { alertCommand, recoveryCommand } from './agent.use-cases';
import { Commands } from './commands';

/** What the monitor reports and asks for, as the system: recovery, health, alerts. */
@CommandHandlers()
export class RecoveryCommandsController {
  private readonly clock = () => new Date();

  constructor(
    private readonly commands: Commands,
    private readonly agents: AgentLocator,
    private readonly store: EventStore,
  ) {}

  @MessagePattern(Subjects.commandOf('agent.schedule_restart'))
  scheduleRestart(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => recoveryCommand(c, { agents: this.agents, clock: this.clock }));
  }

  @MessagePattern(Subjects.commandOf('agent.abandon_recovery'))
  abandonRecovery(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => recoveryCommand(c, { agents: this.agents, clock: this.clock }));
  }

  @MessagePattern(Subjects.commandOf('agent.report_health'))
  reportHealth(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => recoveryCommand(c, { agents: this.agents, clock: this.clock }));
  }

  @MessagePattern(Subjects.commandOf('alert.raise'))
  raiseAlert(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => alertCommand(c, { agents: this.agents, store: this.store }));
  }

  @MessagePattern(Subjects.commandOf('alert.resolve'))
  resolveAlert(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => alertCommand(c, { agents: this.agents, store: this.store }));
  }
}
