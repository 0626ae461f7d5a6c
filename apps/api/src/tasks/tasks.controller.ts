import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { CommandRateLimit, CurrentPrincipal, MinRole, type Principal } from '../auth';
import { CommandSender } from '../http/command-sender';
import { CommandRoute, IdempotencyKey } from '../http/command-route';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi';
import { CancelTaskBody, CreateTaskBody, TaskListQuery, TaskRef } from './tasks.schemas';

const taskLink = (taskId: string) => ({ task: `/api/v1/tasks/${taskId}` });

/** Tasks: viewers read them; operators create and cancel them (each a bus command, answered 202 once recorded). */
@ApiTags('tasks')
@Controller('api/v1/tasks')
export class TasksController {
  constructor(
    private readonly bus: BusClient,
    private readonly commands: CommandSender,
  ) {}

  @Get()
  @MinRole('viewer')
  @ApiOperation({ summary: 'Tasks, newest first, by team, agent and status, one page at a time (nextCursor → ?cursor=)' })
  @ApiZodQuery(TaskListQuery)
  async list(@Query(new ZodPipe(TaskListQuery, 'query')) q: z.infer<typeof TaskListQuery>) {
    const { limit, ...filters } = q;
    const reply = await this.bus.query('task.list', { ...filters, ...(limit ? { pageSize: limit } : {}) });
    if (!reply.ok) throw toHttpException(reply.error);
    return { items: reply.result, nextCursor: reply.nextCursor ?? null };
  }

  @Get(':taskId')
  @MinRole('viewer')
  @ApiOperation({ summary: 'One task with its attempts (agent, start, end, outcome, reason)' })
  async get(@Param('taskId', new ZodPipe(TaskRef, 'query')) taskId: string) {
    const reply = await this.bus.query('task.get', { taskId });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.result;
  }

  @Post()
  @MinRole('operator')
  @CommandRateLimit()
  @CommandRoute('Creates a task for one agent or for a team (the team policy picks the member: idle first, then fewest open tasks, of the role asked for)')
  @ApiZodBody(CreateTaskBody)
  async create(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(CreateTaskBody)) b: z.infer<typeof CreateTaskBody>, @IdempotencyKey() key?: string) {
    const { reason, timeoutSeconds, ...rest } = b;
    const payload = { ...rest, ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}) };
    const accepted = await this.commands.send(p, 'task.create', payload, { idempotencyKey: key, reason });
    return { ...accepted, taskId: accepted.result.taskId, links: { ...accepted.links, ...taskLink(accepted.result.taskId) } };
  }

  @Post(':taskId/cancel')
  @MinRole('operator')
  @CommandRateLimit()
  @CommandRoute('Cancels a task that is not finished; the agent holding it is told')
  @ApiZodBody(CancelTaskBody)
  cancel(
    @CurrentPrincipal() p: Principal,
    @Param('taskId', new ZodPipe(TaskRef, 'query')) taskId: string,
    @Body(new ZodPipe(CancelTaskBody)) b: z.infer<typeof CancelTaskBody>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.send(p, 'task.cancel', { taskId }, { idempotencyKey: key, reason: b.reason, links: taskLink(taskId) });
  }
}
