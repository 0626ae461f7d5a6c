import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { EventStore } from '@sacp/event-store';
import { Subjects, type CommandReply } from '@sacp/events';
import { CommandHandlers } from '../bus/handlers.decorator';
import { AlertsReader } from '../queries/alerts.reader';
import { acknowledgeAlert } from './alert-acknowledge.use-case';
import { Commands } from './commands';

/** What operators do with alerts (the monitor raises and resolves them: RecoveryCommandsController). */
@CommandHandlers()
export class AlertCommandsController {
  constructor(
    private readonly commands: Commands,
    private readonly store: EventStore,
    private readonly alerts: AlertsReader,
  ) {}

  @MessagePattern(Subjects.commandOf('alert.acknowledge'))
  acknowledge(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => acknowledgeAlert(c, { store: this.store, alerts: this.alerts }));
  }
}
