import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { JsonLogger } from '../logger';
import { MetricsController } from './metrics.controller';

/** Probes and scrapes come every few seconds: a line each would bury the requests worth reading. */
const QUIET = /^\/(health|metrics)(\/|\?|$)/;

const levelOf = (res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info');

/**
 * What every service shares for being watched: HTTP request lines through pino-http
 * (nestjs-pino) on the service's own pino logger, and GET /metrics. `runService` puts it
 * beside each service's module, so no service goes without.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(log: JsonLogger): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: log.pino,
            quietReqLogger: true,
            genReqId: (req: IncomingMessage) => {
              const given = req.headers['x-request-id'];
              return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
            },
            autoLogging: { ignore: (req: IncomingMessage) => QUIET.test(req.url ?? '') },
            customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => levelOf(res, err),
            customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${req.url} ${res.statusCode}`,
            customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${req.url} ${res.statusCode}`,
            // the method and path only: headers carry credentials and cookies
            serializers: {
              req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
      controllers: [MetricsController],
    };
  }
}
