import { applyDecorators, Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { CommandInterceptor } from './command.interceptor';
import { WireExceptionFilter } from './wire-errors';

/** A controller of command handlers: errors answered by the one filter, each command in its log context and counted. */
export const CommandHandlers = () => applyDecorators(Controller(), UseFilters(WireExceptionFilter), UseInterceptors(CommandInterceptor));

/** A controller of query handlers: errors answered by the one filter. */
export const QueryHandlers = () => applyDecorators(Controller(), UseFilters(WireExceptionFilter));
