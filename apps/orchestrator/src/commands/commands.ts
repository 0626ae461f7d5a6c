import { Injectable } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import type { CommandReply } from '@sacp/events';
import { CommandAccess } from './command-access';
import { CommandPipeline, type UseCase } from './command-pipeline';

/** What every command handler does: check the sender against the subject, then run the pipeline with the command's use case. */
@Injectable()
export class Commands {
  constructor(
    private readonly access: CommandAccess,
    private readonly pipeline: CommandPipeline,
  ) {}

  async run(ctx: NatsContext, body: unknown, useCase: UseCase): Promise<CommandReply> {
    const type = await this.access.admit(ctx.getSubject(), body);
    return this.pipeline.handle(type, body, useCase);
  }
}
