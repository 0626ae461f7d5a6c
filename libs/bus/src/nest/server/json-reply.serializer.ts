import type { ConsumerSerializer, OutgoingResponse } from '@nestjs/microservices';
import { errorReply, toWireError } from '../../wire-reply';

/**
 * Nest's response packet turned into the plain JSON reply the bus has always sent:
 * the handler's value itself, without Nest's `{ id, response, isDisposed }` envelope.
 * An `err` packet (an error no exception filter answered) becomes the wire error reply.
 * Throws when the value cannot be encoded (a cycle, a BigInt); the server answers that
 * with an error reply.
 */
export class JsonReplySerializer implements ConsumerSerializer {
  serialize(packet: OutgoingResponse, options?: { subject?: string; body?: unknown }): string {
    const value: unknown = packet.err !== undefined ? errorReply(options?.subject ?? '', options?.body, toWireError(packet.err)) : packet.response;
    return JSON.stringify(value) ?? 'null';
  }
}
