import type { CustomStrategy } from '@nestjs/microservices';
import { Limits } from '@sacp/events';
import { readCredentialFile } from '../../auth/credential-files';
import { BusServer } from './bus-server';
import type { BusLog } from '../../nats-connection';

/**
 * The transport a service's `@MessagePattern` handlers are served on: Nest's NATS
 * transport (BusServer) connected with the service's own credential, in the service's
 * queue group, with the control plane's request and reply limits.
 */
export function busTransport(service: string, config: { NATS_URL: string; NATS_CREDENTIALS_FILE: string }, queue: string, log?: BusLog): CustomStrategy {
  return {
    strategy: new BusServer({
      url: config.NATS_URL,
      name: `sacp-${service}-requests`,
      credentials: readCredentialFile(config.NATS_CREDENTIALS_FILE),
      credentialsFrom: `NATS_CREDENTIALS_FILE=${config.NATS_CREDENTIALS_FILE}`,
      queue,
      replyLimit: { bytes: Limits.REPLY_MAX_BYTES, name: 'REPLY_MAX_BYTES' },
      log,
    }),
  };
}
