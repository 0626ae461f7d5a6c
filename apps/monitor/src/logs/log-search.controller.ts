import { Controller, UseFilters, type PipeTransform } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { BusExceptionFilter, ReadableBodyPipe } from '@sacp/bus/nest';
import { DomainError } from '@sacp/domain';
import { describeIssues, ErrorCodes, LogSearchContract, Subjects, validate, type QueryReply, type StoredLogLine, type LogSearchQuery } from '@sacp/events';
import { LogSearchHandler } from './log-search.handler';

type LogSearch = LogSearchQuery;

/** The body checked against its contract; anything else is refused as COMMAND.MALFORMED, as the orchestrator's queries are. */
class LogSearchPipe implements PipeTransform<unknown, LogSearch> {
  private readonly readable = new ReadableBodyPipe();

  transform(body: unknown): LogSearch {
    const v = validate(LogSearchContract, this.readable.transform(body) ?? {});
    if (!v.ok) throw new DomainError(ErrorCodes.COMMAND_MALFORMED, `invalid logs.search request: ${describeIssues(v.issues)}`, { issues: v.issues });
    return v.value;
  }
}

/** `sacp.qry.logs.search`: stored agent log lines by agent, team, time and text, newest first; any replica of the queue group answers. */
@Controller()
@UseFilters(BusExceptionFilter)
export class LogSearchController {
  constructor(private readonly handler: LogSearchHandler) {}

  @MessagePattern(Subjects.query('logs.search'))
  search(@Payload(new LogSearchPipe()) q: LogSearch): Promise<QueryReply<StoredLogLine[]>> {
    return this.handler.search(q);
  }
}
