import { Body, Controller, Delete, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CommandRateLimit, CurrentPrincipal, MinRole, type Principal } from '../auth';
import { CommandSender } from '../http/command-sender';
import { CommandRoute, IdempotencyKey } from '../http/command-route';
import { ZodPipe } from '../http/zod-pipe';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi';
import { AddMemberBody, AgentRef, ChangeTeamBody, CreateTeamBody, DeleteTeamBody, DeleteTeamQuery, ReasonBody, TeamRef } from './teams.schemas';

const teamLink = (name: string) => ({ team: `/api/v1/teams/${encodeURIComponent(name)}` });
type Reason = z.infer<typeof ReasonBody>;

/** Changing teams: operator or admin. Each endpoint sends one bus command and answers 202 once it is decided and recorded. */
@ApiTags('teams')
@Controller('api/v1/teams')
@MinRole('operator')
@CommandRateLimit()
export class TeamCommandsController {
  constructor(private readonly commands: CommandSender) {}

  @Post()
  @CommandRoute('Creates a team from a configuration file of configs/teams or a configuration posted whole')
  @ApiZodBody(CreateTeamBody)
  async create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(CreateTeamBody)) b: z.infer<typeof CreateTeamBody>, @IdempotencyKey() key?: string) {
    const { reason, ...payload } = b;
    const accepted = await this.commands.send(p, 'team.create', payload, { idempotencyKey: key, reason });
    return { ...accepted, links: { ...accepted.links, ...teamLink(accepted.result.team) } };
  }

  @Patch(':team')
  @CommandRoute("Changes a team's configuration: a new definition, its file again, or its quota, description or egress")
  @ApiZodBody(ChangeTeamBody)
  change(
    @CurrentPrincipal() p: Principal,
    @Param('team', new ZodPipe(TeamRef, 'query')) team: string,
    @Body(new ZodPipe(ChangeTeamBody)) b: z.infer<typeof ChangeTeamBody>,
    @IdempotencyKey() key?: string,
  ) {
    const { reason, ...changes } = b;
    return this.commands.send(p, 'team.change', { team, ...changes }, { idempotencyKey: key, reason, links: teamLink(team) });
  }

  @Delete(':team')
  @CommandRoute('Deletes a team (refused while it has members); its shared volume too with volumes=true (query) or volumes: true (body), else it is kept and listed as orphaned')
  @ApiZodBody(DeleteTeamBody)
  @ApiZodQuery(DeleteTeamQuery)
  delete(
    @CurrentPrincipal() p: Principal,
    @Param('team', new ZodPipe(TeamRef, 'query')) team: string,
    @Query(new ZodPipe(DeleteTeamQuery, 'query')) q: z.infer<typeof DeleteTeamQuery>,
    @Body(new ZodPipe(DeleteTeamBody)) b: z.infer<typeof DeleteTeamBody>,
    @IdempotencyKey() key?: string,
  ) {
    const volumes = q.volumes === 'true' || b.volumes === true;
    return this.commands.send(p, 'team.delete', { team, ...(volumes ? { volumes } : {}) }, { idempotencyKey: key, reason: b.reason });
  }

  @Post(':team/members')
  @CommandRoute("Adds an existing agent to the team (refused past the team's quota, with the numbers)")
  @ApiZodBody(AddMemberBody)
  addMember(
    @CurrentPrincipal() p: Principal,
    @Param('team', new ZodPipe(TeamRef, 'query')) team: string,
    @Body(new ZodPipe(AddMemberBody)) b: z.infer<typeof AddMemberBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.send(
      p,
      'team.add_member',
      { team, agent: b.agent, ...(b.role ? { role: b.role } : {}) },
      { idempotencyKey: key, reason: b.reason, links: teamLink(team) },
    );
  }

  @Delete(':team/members/:agent')
  @CommandRoute('Removes an agent from the team (it keeps running, in no team)')
  @ApiZodBody(ReasonBody)
  removeMember(
    @CurrentPrincipal() p: Principal,
    @Param('team', new ZodPipe(TeamRef, 'query')) team: string,
    @Param('agent', new ZodPipe(AgentRef, 'query')) agent: string,
    @Body(new ZodPipe(ReasonBody)) b: Reason,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.send(p, 'team.remove_member', { team, agent }, { idempotencyKey: key, reason: b.reason, links: teamLink(team) });
  }

  @Post(':team/deploy')
  @CommandRoute("Deploys every member of the team's configuration not deployed yet, and starts stopped ones; all or none, within the quota")
  @ApiZodBody(ReasonBody)
  deploy(@CurrentPrincipal() p: Principal, @Param('team', new ZodPipe(TeamRef, 'query')) team: string, @Body(new ZodPipe(ReasonBody)) b: Reason, @IdempotencyKey() key?: string) {
    return this.commands.send(p, 'team.deploy', { team }, { idempotencyKey: key, reason: b.reason, links: teamLink(team) });
  }

  @Post(':team/stop')
  @CommandRoute('Stops every member of the team')
  @ApiZodBody(ReasonBody)
  stop(@CurrentPrincipal() p: Principal, @Param('team', new ZodPipe(TeamRef, 'query')) team: string, @Body(new ZodPipe(ReasonBody)) b: Reason, @IdempotencyKey() key?: string) {
    return this.commands.send(p, 'team.stop', { team }, { idempotencyKey: key, reason: b.reason, links: teamLink(team) });
  }
}
