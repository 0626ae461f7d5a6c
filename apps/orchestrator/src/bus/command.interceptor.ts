import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { tap, type Observable } from 'rxjs';
import { parseCommandSubject, type CommandReply } from '@sacp/events';
import { Metrics, withLogContext } from '@sacp/platform';
import { wireError } from './wire-errors';

const idOf = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 200) : undefined);

/**
 * Wraps each command's whole handling: every log line written for it carries its
 * correlationId, commandId and commandType, and it is counted and timed in
 * `sacp_commands_total` / `sacp_command_duration_seconds` by type and outcome
 * (`ok`, or the wire error code of the reply).
 */
@Injectable()
export class CommandInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<CommandReply>): Observable<CommandReply> {
    const rpc = context.switchToRpc();
    const subject = rpc.getContext<NatsContext>().getSubject();
    const body = rpc.getData<{ commandId?: unknown; correlationId?: unknown } | null | undefined>();
    const type = parseCommandSubject(subject)?.type ?? subject;
    const commandId = idOf(typeof body === 'object' ? body?.commandId : undefined);
    const correlationId = idOf(typeof body === 'object' ? body?.correlationId : undefined) ?? commandId;
    const end = Metrics.commandDuration.startTimer({ type });
    const done = (outcome: string) => {
      end({ outcome });
      Metrics.commands.inc({ type, outcome });
    };
    // next.handle() binds the handler to the async context it is called in: call it inside the command's log context
    return withLogContext({ correlationId, commandId, commandType: type }, () => next.handle()).pipe(
      tap({ next: (reply) => done(reply.ok ? 'ok' : reply.error.code), error: (err: unknown) => done(wireError(err).code) }),
    );
  }
}
