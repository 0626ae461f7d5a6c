import { Body, Controller, Delete, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CommandRateLimit, CurrentPrincipal, MinRole, type Principal } from '../auth';
import { CommandSender } from '../http/command-sender';
import { ZodPipe } from '../http/zod-pipe';
import { AdoptBody, AgentRef, DeployBody, ReasonBody } from './agents.schemas';

const agentLink = (name: string) => ({ agent: `/api/v1/agents/${encodeURIComponent(name)}` });
const IDEMPOTENCY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'becomes the command id: the same key again is carried out once; with another body it is refused (409)',
};

/**
 * Changing agents: operator or admin. Each endpoint sends one bus command and answers
 * 202 once the orchestrator has decided and recorded it; the container follows (watch
 * the agent, or the live events).
 */
@ApiTags('agents')
@Controller('api/v1/agents')
@MinRole('operator')
@CommandRateLimit()
export class AgentCommandsController {
  constructor(private readonly commands: CommandSender) {}

  @Post()
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: 'Deploys a new agent from a template' })
  async deploy(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(DeployBody)) b: z.infer<typeof DeployBody>, @Headers('idempotency-key') key?: string) {
    const accepted = await this.commands.send(p, 'agent.deploy', { template: b.template, ...(b.name ? { name: b.name } : {}) }, { idempotencyKey: key, reason: b.reason });
    return { ...accepted, links: { ...accepted.links, ...agentLink(accepted.result.name) } };
  }

  @Post('adopt')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: 'Adopts a running container as an agent' })
  async adopt(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(AdoptBody)) b: z.infer<typeof AdoptBody>, @Headers('idempotency-key') key?: string) {
    const accepted = await this.commands.send(p, 'agent.adopt', { container: b.container, ...(b.name ? { name: b.name } : {}) }, { idempotencyKey: key, reason: b.reason });
    return { ...accepted, links: { ...accepted.links, ...agentLink(accepted.result.name) } };
  }

  @Post(':agent/start')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: 'Starts a stopped agent' })
  start(
    @CurrentPrincipal() p: Principal,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.commands.send(p, 'agent.start', { agent }, { idempotencyKey: key, reason: b.reason, links: agentLink(agent) });
  }

  @Post(':agent/stop')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: 'Stops a running agent' })
  stop(
    @CurrentPrincipal() p: Principal,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.commands.send(p, 'agent.stop', { agent }, { idempotencyKey: key, reason: b.reason, links: agentLink(agent) });
  }

  @Post(':agent/restart')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: "Restarts an agent's container" })
  restart(
    @CurrentPrincipal() p: Principal,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.commands.send(p, 'agent.restart', { agent }, { idempotencyKey: key, reason: b.reason, links: agentLink(agent) });
  }

  @Delete(':agent')
  @HttpCode(202)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: 'Removes an agent and its container (its history stays)' })
  remove(
    @CurrentPrincipal() p: Principal,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.commands.send(p, 'agent.remove', { agent }, { idempotencyKey: key, reason: b.reason, links: agentLink(agent) });
  }
}
