import { Logger } from '@nestjs/common';
import type { BusLog } from '../../nats-connection';

/** The service's log for the bus handlers' exception filter (a BusLog); coreProviders binds it to the service's logger. */
export const BUS_LOG = Symbol('BUS_LOG') as symbol & { readonly __provides?: BusLog };

const describe = (fields: Record<string, unknown>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}=${v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');

/** Without the service's logger (a bare Nest application, a test): Nest's own, with the fields in the message. */
export const nestBusLog = (context: string): BusLog => {
  const logger = new Logger(context);
  return (level, msg, fields = {}) => {
    const line = `${msg}: ${describe(fields)}`;
    if (level === 'error') logger.error(line);
    else if (level === 'warn') logger.warn(line);
    else logger.log(line);
  };
};
