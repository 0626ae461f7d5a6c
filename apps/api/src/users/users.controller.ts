import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { USER_NAME_PATTERN } from '@sacp/events';
import { CommandRateLimit, CurrentPrincipal, MinRole, type Principal } from '../auth';
import { CommandSender } from '../http/command-sender';
import { toHttpException } from '../http/wire-error.to-http';
import { CommandRoute, IdempotencyKey } from '../http/command-route';
import { ZodPipe } from '../http/zod-pipe';
import { ApiZodBody, ApiZodQuery } from '../openapi/zod-openapi';

const role = z.enum(['viewer', 'operator', 'admin'], { message: 'the role is viewer, operator or admin' });
const name = z.string().regex(USER_NAME_PATTERN, 'user names use a-z, 0-9, "_", "." and "-" (up to 64, starting with a letter or digit)');
const password = z.string().min(12, 'the password is shorter than 12 characters; choose a longer one').max(1024);
const AddUser = z.object({ name, role, password }).strict();
const SetRole = z.object({ role }).strict();
const SetPassword = z.object({ password }).strict();
const CreateToken = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'token names use a-z, 0-9, "_", "." and "-" (up to 64, starting with a letter or digit)'),
    role,
    user: name.optional(),
    expiresAt: z.iso.datetime({ offset: true, message: 'expiresAt is an ISO time, e.g. 2027-01-31T00:00:00Z' }).optional(),
  })
  .strict();
const TokenList = z.object({ all: z.enum(['true', 'false']).optional() }).strict();

/** Users and API tokens: admins only. Every change is a command, recorded as an event (never a password, hash or token). */
@ApiTags('users')
@Controller('api/v1')
@MinRole('admin')
@CommandRateLimit()
export class UsersController {
  constructor(
    private readonly bus: BusClient,
    private readonly commands: CommandSender,
  ) {}

  @Get('users')
  @ApiOperation({ summary: 'The users and their roles' })
  async users() {
    const reply = await this.bus.query('user.list', {});
    if (!reply.ok) throw toHttpException(reply.error);
    return { items: reply.result };
  }

  @Post('users')
  @CommandRoute('Adds a user who signs in with a password', 201)
  @ApiZodBody(AddUser)
  addUser(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(AddUser)) b: z.infer<typeof AddUser>, @IdempotencyKey() key?: string) {
    return this.commands.send(p, 'user.add', b, { idempotencyKey: key, links: { users: '/api/v1/users' } });
  }

  @Patch('users/:name')
  @CommandRoute("Changes a user's role (the last admin stays admin)", 200)
  @ApiZodBody(SetRole)
  setRole(
    @CurrentPrincipal() p: Principal,
    @Param('name', new ZodPipe(name, 'query')) user: string,
    @Body(new ZodPipe(SetRole)) b: z.infer<typeof SetRole>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.send(p, 'user.set_role', { name: user, role: b.role }, { idempotencyKey: key });
  }

  @Put('users/:name/password')
  @CommandRoute("Sets a user's password; every session of theirs ends", 200)
  @ApiZodBody(SetPassword)
  setPassword(
    @CurrentPrincipal() p: Principal,
    @Param('name', new ZodPipe(name, 'query')) user: string,
    @Body(new ZodPipe(SetPassword)) b: z.infer<typeof SetPassword>,
    @IdempotencyKey() key?: string,
  ) {
    return this.commands.send(p, 'user.set_password', { name: user, password: b.password }, { idempotencyKey: key });
  }

  @Delete('users/:name')
  @CommandRoute('Removes a user, ends their sessions and revokes their tokens (the last admin stays)', 200)
  removeUser(@CurrentPrincipal() p: Principal, @Param('name', new ZodPipe(name, 'query')) user: string, @IdempotencyKey() key?: string) {
    return this.commands.send(p, 'user.remove', { name: user }, { idempotencyKey: key });
  }

  @Get('tokens')
  @ApiOperation({ summary: 'API tokens, newest first (revoked ones with ?all=true); never a token or its hash' })
  @ApiZodQuery(TokenList)
  async tokens(@Query(new ZodPipe(TokenList, 'query')) q: z.infer<typeof TokenList>) {
    const reply = await this.bus.query('token.list', { all: q.all === 'true' });
    if (!reply.ok) throw toHttpException(reply.error);
    return { items: reply.result };
  }

  @Post('tokens')
  @CommandRoute('Creates an API token; the token is in this answer only, never again', 201)
  @ApiZodBody(CreateToken)
  async createToken(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(CreateToken)) b: z.infer<typeof CreateToken>, @IdempotencyKey() key?: string) {
    return this.commands.send(p, 'token.create', b, { idempotencyKey: key, links: { tokens: '/api/v1/tokens' } });
  }

  @Delete('tokens/:id')
  @CommandRoute('Revokes an API token; it stops working at once on every replica', 200)
  revoke(@CurrentPrincipal() p: Principal, @Param('id', new ZodPipe(z.string().min(1).max(100), 'query')) tokenId: string, @IdempotencyKey() key?: string) {
    return this.commands.send(p, 'token.revoke', { tokenId }, { idempotencyKey: key });
  }
}
