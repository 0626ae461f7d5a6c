import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { DockerDriver } from '@sacp/docker';
import { EventStore } from '@sacp/event-store';
import { Subjects, type CommandReply, type QueryReply } from '@sacp/events';
import { CommandHandlers, QueryHandlers } from '../bus/handlers.decorator';
import { QueryPipe, type QueryOf } from '../bus/query.pipe';
import { AgentLocator } from '../commands/agent-locator';
import { Commands } from '../commands/commands';
import { ControlPlaneLabels } from '../reconcile/control-plane-labels';
import { TeamLocator } from '../teams/team-locator';
import { VolumeCatalog } from './volume-catalog';
import { VolumeSizes } from './volume-sizes';
import { removeOrphanVolume } from './volume.use-cases';

/** `volume.list`: this control plane's volumes with their agents and sizes (any replica answers). */
@QueryHandlers()
export class VolumeQueriesController {
  constructor(private readonly catalog: VolumeCatalog) {}

  @MessagePattern(Subjects.query('volume.list'))
  async list(@Payload(new QueryPipe('volume.list')) q: QueryOf<'volume.list'>): Promise<QueryReply> {
    return { ok: true, result: await this.catalog.list(q) };
  }
}

/** `volume.remove`: an orphaned volume removed on purpose, and recorded. */
@CommandHandlers()
export class VolumeCommandsController {
  constructor(
    private readonly commands: Commands,
    private readonly sizes: VolumeSizes,
    private readonly docker: DockerDriver,
    private readonly agents: AgentLocator,
    private readonly store: EventStore,
    private readonly labels: ControlPlaneLabels,
    private readonly teams: TeamLocator,
  ) {}

  @MessagePattern(Subjects.commandOf('volume.remove'))
  remove(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) =>
      removeOrphanVolume(c, {
        docker: this.docker,
        agents: this.agents,
        teams: this.teams,
        store: this.store,
        identity: async () => ({ instance: this.labels.instance, store: await this.store.storeId() }),
        lastSize: (name) => this.sizes.lastSize(name),
      }),
    );
  }
}
