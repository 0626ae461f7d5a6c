import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { DockerDriver } from '@sacp/docker';
import { CommandAudit, EventStore, Projector } from '@sacp/event-store';
import { Subjects, type CommandReply } from '@sacp/events';
import { CommandHandlers } from '../bus/handlers.decorator';
import { SecretStore } from '../secrets/secret-store';
import { TemplateCatalog } from '../templates/template-catalog';
import { removeQuarantined } from './agent.use-cases';
import { Commands } from './commands';
import { refuseAccess, replayProjections, setSecret, syncTemplates } from './system.use-cases';

/** The control plane's own upkeep: templates, projections, secrets, quarantined containers, and refusals the front doors report. */
@CommandHandlers()
export class SystemCommandsController {
  constructor(
    private readonly commands: Commands,
    private readonly catalog: TemplateCatalog,
    private readonly projector: Projector,
    private readonly secrets: SecretStore,
    private readonly docker: DockerDriver,
    private readonly store: EventStore,
    private readonly audit: CommandAudit,
  ) {}

  @MessagePattern(Subjects.commandOf('template.sync'))
  syncTemplates(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, () => syncTemplates({ catalog: this.catalog }));
  }

  @MessagePattern(Subjects.commandOf('system.replay'))
  replay(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, () => replayProjections({ projector: this.projector }));
  }

  @MessagePattern(Subjects.commandOf('secret.set'))
  setSecret(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => setSecret(c, { secrets: this.secrets, store: this.store }));
  }

  @MessagePattern(Subjects.commandOf('container.remove_quarantined'))
  removeQuarantined(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => removeQuarantined(c, { docker: this.docker, store: this.store }));
  }

  @MessagePattern(Subjects.commandOf('access.refuse'))
  refuseAccess(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => refuseAccess(c, { store: this.store, audit: this.audit }));
  }
}
