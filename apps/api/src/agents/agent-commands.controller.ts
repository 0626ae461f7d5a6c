import { Body, Controller, Delete, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CommandRateLimit, CurrentPrincipal, MinRole, type Principal } from '../auth';
import { CommandSender } from '../http/command-sender';
import { CommandRoute, IdempotencyKey } from '../http/command-route';
import { ZodPipe } from '../http/zod-pipe';
import { AdoptBody, AgentRef, DeployBody, ReasonBody, RemoveQuery } from './agents.schemas';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi';

const agentLink = (name: string) => ({ agent: `/api/v1/agents/${encodeURIComponent(name)}` });
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
  @CommandRoute('Deploys a new agent from a template')
  @ApiZodBody(DeployBody)
  async deploy(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(DeployBody)) b: z.infer<typeof DeployBody>, @IdempotencyKey() key?: string) {
    const accepted = await this.commands.send(
      p,
      'agent.deploy',
      { template: b.template, ...(b.name ? { name: b.name } : {}), ...(b.team ? { team: b.team } : {}), ...(b.role ? { role: b.role } : {}) },
      { idempotencyKey: key, reason: b.reason },
    );
    return { ...accepted, links: { ...accepted.links, ...agentLink(accepted.result.name) } };
  }

  @Post('adopt')
  @CommandRoute('Adopts a running container as an agent')
  @ApiZodBody(AdoptBody)
  async adopt(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(AdoptBody)) b: z.infer<typeof AdoptBody>, @IdempotencyKey() key?: string) {
    const accepted = await this.commands.send(p, 'agent.adopt', { container: b.container, ...(b.name ? { name: b.name } : {}) }, { idempotencyKey: key, reason: b.reason });
    return { ...accepted, links: { ...accepted.links, ...agentLink(accepted.result.name) } };
  }

  @Post(':agent/start')
  @CommandRoute('Starts a stopped agent')
  @ApiZodBody(ReasonBody)
  start(
    @CurrentPrincipal() p: Principal,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.send(p, 'agent.start', { agent }, { idempotencyKey: key, reason: b.reason, links: agentLink(agent) });
  }

  @Post(':agent/stop')
  @CommandRoute('Stops a running agent')
  @ApiZodBody(ReasonBody)
  stop(
    @CurrentPrincipal() p: Principal,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.send(p, 'agent.stop', { agent }, { idempotencyKey: key, reason: b.reason, links: agentLink(agent) });
  }

  @Post(':agent/restart')
  @CommandRoute("Restarts an agent's container")
  @ApiZodBody(ReasonBody)
  restart(
    @CurrentPrincipal() p: Principal,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.send(p, 'agent.restart', { agent }, { idempotencyKey: key, reason: b.reason, links: agentLink(agent) });
  }

  @Delete(':agent')
  @CommandRoute('Removes an agent and its container (its history stays); its volumes too with volumes=true, else they are kept and listed as orphaned')
  @ApiZodBody(ReasonBody)
  @ApiZodQuery(RemoveQuery)
  remove(
    @CurrentPrincipal() p: Principal,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Query(new ZodPipe(RemoveQuery, 'query')) q: z.infer<typeof RemoveQuery>,
    @Body(new ZodPipe(ReasonBody)) b: z.infer<typeof ReasonBody>,
    @IdempotencyKey() key?: string,
  ) {
    const volumes = q.volumes === 'true';
    return this.commands.send(p, 'agent.remove', { agent, ...(volumes ? { volumes } : {}) }, { idempotencyKey: key, reason: b.reason, links: agentLink(agent) });
  }
}
