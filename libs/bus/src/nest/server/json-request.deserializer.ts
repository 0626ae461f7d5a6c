import type { Msg } from '@nats-io/nats-core';
import type { ConsumerDeserializer, IncomingRequest } from '@nestjs/microservices';
import { PayloadLimitError, requestTooLargeCode } from '../../payload-limit.error';

/** What a handler receives for a body that is not JSON (binary, cut, or not JSON at all): its own validation reports it. */
export const MALFORMED_JSON = Symbol.for('malformed-json');

/** The largest body accepted on a subject, and the limit's name as error messages say it. */
export interface RequestLimit {
  bytes: number;
  name: string;
}

/**
 * A plain JSON request body, as the CLI, the Discord bot and third-party tools send
 * it, turned into the packet Nest routes: no envelope on the wire. It never throws
 * (a throw here would leave the requester waiting for its timeout): a body over the
 * subject's limit becomes a PayloadLimitError, a body that is not JSON becomes
 * MALFORMED_JSON, and the handler's pipeline answers either with an error reply.
 */
export class JsonRequestDeserializer implements ConsumerDeserializer {
  constructor(private readonly limit: (subject: string) => RequestLimit | null = () => null) {}

  deserialize(msg: Msg, options?: { channel?: string }): IncomingRequest {
    // every message gets an id, so Nest treats it as a request: one sent without a reply subject still runs, and its reply goes nowhere
    const packet = (data: unknown): IncomingRequest => ({ id: msg.reply ?? '', pattern: options?.channel ?? msg.subject, data });
    const limit = this.limit(msg.subject);
    const size = msg.data.length;
    if (limit && size > limit.bytes)
      return packet(
        new PayloadLimitError(requestTooLargeCode(msg.subject), `the request is ${size} bytes; the limit is ${limit.bytes} bytes (${limit.name})`, {
          subject: msg.subject,
          size,
          limit: limit.bytes,
          limitName: limit.name,
        }),
      );
    if (!size) return packet(undefined);
    try {
      return packet(JSON.parse(msg.string()));
    } catch {
      return packet(MALFORMED_JSON);
    }
  }
}
