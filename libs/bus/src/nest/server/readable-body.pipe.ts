import type { PipeTransform } from '@nestjs/common';
import { PayloadLimitError } from '../../payload-limit.error';

/**
 * A body the deserializer could not accept (over its subject's limit) is refused here,
 * before the handler runs; the exception filter answers with the limit's error. Any
 * other body, MALFORMED_JSON included, goes on to the handler's own validation.
 */
export class ReadableBodyPipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (value instanceof PayloadLimitError) throw value;
    return value;
  }
}
