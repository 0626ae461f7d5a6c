import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { DockerDriver } from '@sacp/docker';
import { EventStore } from '@sacp/event-store';
import { Subjects, type CommandReply } from '@sacp/events';
import { CommandHandlers } from '../bus/handlers.decorator';
import { AgentLocator } from '../commands/agent-locator';
import { Commands } from '../commands/commands';
import { ControlPlaneLabels } from '../reconcile/control-plane-labels';
import { SecretStore } from '../secrets/secret-store';
import { VolumeSizes } from '../volumes/volume-sizes';
import { TemplateCatalog } from '../templates/template-catalog';
import { TeamFiles } from './team-files';
import { TeamLocator } from './team-locator';
import { addMember, deployTeam, removeMember, stopTeam } from './team-members.use-cases';
import { changeTeam, createTeam, deleteTeam } from './team.use-cases';

/** Teams from the front doors: create, change, delete, members in and out, deploy and stop the whole team. */
@CommandHandlers()
export class TeamCommandsController {
  constructor(
    private readonly commands: Commands,
    private readonly teams: TeamLocator,
    private readonly files: TeamFiles,
    private readonly agents: AgentLocator,
    private readonly catalog: TemplateCatalog,
    private readonly secrets: SecretStore,
    private readonly docker: DockerDriver,
    private readonly store: EventStore,
    private readonly labels: ControlPlaneLabels,
    private readonly sizes: VolumeSizes,
  ) {}

  @MessagePattern(Subjects.commandOf('team.create'))
  create(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => createTeam(c, { teams: this.teams, files: this.files }));
  }

  @MessagePattern(Subjects.commandOf('team.change'))
  change(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => changeTeam(c, { teams: this.teams, files: this.files }));
  }

  @MessagePattern(Subjects.commandOf('team.delete'))
  delete(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) =>
      deleteTeam(c, {
        teams: this.teams,
        files: this.files,
        volumes: {
          docker: this.docker,
          store: this.store,
          identity: async () => ({ instance: this.labels.instance, store: await this.store.storeId() }),
          lastSize: (name) => this.sizes.lastSize(name),
        },
      }),
    );
  }

  @MessagePattern(Subjects.commandOf('team.add_member'))
  addMember(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => addMember(c, { teams: this.teams, agents: this.agents, catalog: this.catalog }));
  }

  @MessagePattern(Subjects.commandOf('team.remove_member'))
  removeMember(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => removeMember(c, { teams: this.teams, agents: this.agents }));
  }

  @MessagePattern(Subjects.commandOf('team.deploy'))
  deploy(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => deployTeam(c, { teams: this.teams, agents: this.agents, catalog: this.catalog, secrets: this.secrets }));
  }

  @MessagePattern(Subjects.commandOf('team.stop'))
  stop(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => stopTeam(c, { teams: this.teams, agents: this.agents }));
  }
}
