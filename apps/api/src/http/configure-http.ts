import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { JsonLogger } from '@sacp/platform';
import type { ApiConfig } from '../config';
import { setUpOpenApi } from '../openapi/openapi';

/**
 * The HTTP side of the API before it listens: security headers (helmet, with a
 * Content-Security-Policy that allows this origin only), a bounded JSON body, and the
 * OpenAPI document at /api/docs.
 */
export function configureHttp(app: INestApplication, config: ApiConfig, _log: JsonLogger): void {
  const http = app as NestExpressApplication;
  http.disable('x-powered-by');
  http.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // the OpenAPI page's stylesheet sets some styles inline
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
      // served over plain HTTP on loopback too; HSTS is for the TLS proxy in front to send
      strictTransportSecurity: false,
    }),
  );
  http.useBodyParser('json', { limit: config.API_BODY_LIMIT_BYTES });
  setUpOpenApi(app);
}
