import { Catch, Inject, Optional, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import type { NatsContext } from '@nestjs/microservices';
import { of, type Observable } from 'rxjs';
import type { CommandReply, QueryReply } from '@sacp/events';
import { BUS_LOG, nestBusLog } from './bus-log';
import type { BusLog } from '../../nats-connection';
import { PayloadLimitError } from '../../payload-limit.error';
import { errorReply, isInternal, toWireError, type WireErrorMapping } from '../../wire-reply';

/**
 * The one place a bus handler's error becomes its reply: the wire error chosen by
 * the error's type (see toWireError; a service adds its own types by overriding
 * `mapping`), in the reply shape of the subject, sent as an ordinary reply so the
 * requester reads `{ ok: false, error: { code, message, details } }` as always.
 */
@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  protected readonly mapping?: WireErrorMapping;
  private readonly log: BusLog;

  constructor(@Optional() @Inject(BUS_LOG) log?: BusLog | null) {
    this.log = log ?? nestBusLog('Bus');
  }

  catch(exception: unknown, host: ArgumentsHost): Observable<CommandReply | QueryReply> {
    const rpc = host.switchToRpc();
    const subject = rpc.getContext<NatsContext>().getSubject();
    const error = toWireError(exception, this.mapping);
    if (exception instanceof PayloadLimitError)
      this.log('warn', 'request refused for its size', { subject, code: error.code, size: exception.details.size, limit: exception.details.limit });
    else if (isInternal(error)) this.log('error', 'request handler failed', { subject, error: exception });
    return of(errorReply(subject, rpc.getData(), error));
  }
}
