import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI 3.1 document, generated from the controllers' decorators. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('SuperAgent Control Plane API')
    .setDescription(
      'Every change is a command on the bus, carried out by the orchestrator and recorded as events with who, what, when and why. ' +
        'Sign in (POST /api/v1/auth/sign-in) for a session cookie and send its csrfToken as X-CSRF-Token on changes, or send an API token as "Authorization: Bearer". ' +
        'Errors: { code, message, details }.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API token (sacp token create)' }, 'token')
    .addCookieAuth('sacp_session', { type: 'apiKey', in: 'cookie', name: 'sacp_session' }, 'session')
    .addSecurityRequirements('token')
    .addSecurityRequirements('session')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the document at /api/docs (a page) and /api/docs-json. */
export function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'api/docs-json', customSiteTitle: 'SACP API' });
}
