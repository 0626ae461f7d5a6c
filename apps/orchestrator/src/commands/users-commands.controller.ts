import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import { CredentialRepository, EventStore } from '@sacp/event-store';
import { Subjects, type CommandReply } from '@sacp/events';
import { CommandHandlers } from '../bus/handlers.decorator';
import { Commands } from './commands';
import { addUser, createToken, removeUser, revokeToken, setUserPassword, setUserRole, type UsersDeps } from './users.use-cases';

/** Users and API tokens: sent by the CLI and the API only (libs/events/src/senders.ts); the password and the token are seen here and by their sender only. */
@CommandHandlers()
export class UsersCommandsController {
  private readonly deps: UsersDeps;

  constructor(
    private readonly commands: Commands,
    store: EventStore,
    credentials: CredentialRepository,
  ) {
    this.deps = { store, credentials };
  }

  @MessagePattern(Subjects.commandOf('user.add'))
  addUser(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => addUser(c, this.deps));
  }

  @MessagePattern(Subjects.commandOf('user.set_role'))
  setUserRole(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => setUserRole(c, this.deps));
  }

  @MessagePattern(Subjects.commandOf('user.set_password'))
  setUserPassword(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => setUserPassword(c, this.deps));
  }

  @MessagePattern(Subjects.commandOf('user.remove'))
  removeUser(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => removeUser(c, this.deps));
  }

  @MessagePattern(Subjects.commandOf('token.create'))
  createToken(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => createToken(c, this.deps));
  }

  @MessagePattern(Subjects.commandOf('token.revoke'))
  revokeToken(@Payload() body: unknown, @Ctx() ctx: NatsContext): Promise<CommandReply> {
    return this.commands.run(ctx, body, (c) => revokeToken(c, this.deps));
  }
}
