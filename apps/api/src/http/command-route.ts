import { applyDecorators, Headers, HttpCode } from '@nestjs/common';
import { ApiHeader, ApiOperation } from '@nestjs/swagger';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'becomes the command id: the same key again is carried out once (the first outcome, duplicate: true); with another body it is refused (409)',
};

/**
 * A route that sends one command: its status (202: decided and recorded, the effect
 * follows; 201 or 200 where the effect is done with the reply), the Idempotency-Key
 * header and its summary in the OpenAPI document.
 */
export const CommandRoute = (summary: string, status: 200 | 201 | 202 = 202) => applyDecorators(HttpCode(status), ApiHeader(IDEMPOTENCY_HEADER), ApiOperation({ summary }));

/** The request's Idempotency-Key header (CommandSender checks its form). */
export const IdempotencyKey = () => Headers('idempotency-key');
