import { Inject } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { DockerDriver } from '@sacp/docker';
import { EventStore } from '@sacp/event-store';
import { Subjects, type CommandReply } from '@sacp/events';
import { CONFIG } from '@sacp/platform/nest';
import { CommandHandlers } from '../bus/handlers.decorator';
import type { OrchestratorConfig } from '../config';
import { AgentRegistryReader } from '../queries/agent-registry.reader';
import { SecretStore } from '../secrets/secret-store';
import { TemplateCatalog } from '../templates/template-catalog';
import { TeamLocator } from '../teams/team-locator';
import { AgentLocator } from './agent-locator';
import { adoptAgent, changeAgent, deployAgent } from './agent.use-cases';
import { Commands } from './commands';

/**
 * An agent's life from the front doors (CLI, Discord, API): deploy, start, stop,
 * restart, remove, adopt. Each subject ends in the sender's kind (`.*`), which the
 * handling checks against the envelope before anything else.
 */
@CommandHandlers()
export class AgentCommandsController {
  constructor(
    private readonly commands: Commands,
    private readonly agents: AgentLocator,
    private readonly catalog: TemplateCatalog,
    private readonly secrets: SecretStore,
    private readonly docker: DockerDriver,
    private readonly registry: AgentRegistryReader,
    private readonly store: EventStore,
    private readonly teams: TeamLocator,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
  ) {}

  @MessagePattern(Subjects.commandOf('agent.deploy'))
  deploy(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => deployAgent(c, { catalog: this.catalog, agents: this.agents, secrets: this.secrets, teams: this.teams }));
  }

  @MessagePattern(Subjects.commandOf('agent.start'))
  start(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => changeAgent('start', c, { agents: this.agents, teams: this.teams }));
  }

  @MessagePattern(Subjects.commandOf('agent.stop'))
  stop(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => changeAgent('stop', c, { agents: this.agents, teams: this.teams }));
  }

  @MessagePattern(Subjects.commandOf('agent.restart'))
  restart(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => changeAgent('restart', c, { agents: this.agents, teams: this.teams }));
  }

  @MessagePattern(Subjects.commandOf('agent.remove'))
  remove(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => changeAgent('remove', c, { agents: this.agents, teams: this.teams }));
  }

  @MessagePattern(Subjects.commandOf('agent.adopt'))
  adopt(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    const identity = { instance: this.config.SACP_INSTANCE, store: () => this.store.storeId(), composeProject: this.config.SACP_COMPOSE_PROJECT };
    return this.commands.run(ctx, body, (c) => adoptAgent(c, { agents: this.agents, docker: this.docker, registry: this.registry, identity }));
  }
}
