import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BusClient } from '@sacp/bus';
import { validateTemplate } from '@sacp/domain';
import { ErrorCodes } from '@sacp/events';
import { ApiError } from '../http/api-error';
import { toHttpException } from '../http/wire-error.to-http';
import { ZodPipe } from '../http/zod-pipe';

const TemplateName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'template names use a-z, 0-9, "_" and "-"');
const Version = z.coerce.number().int('a version is a whole number').min(1).max(1_000_000);
const DiffQuery = z.object({ from: Version, to: Version }).strict();

/** Templates: what agents are deployed from, their registered versions and what changed between them. Any signed-in role. */
@ApiTags('templates')
@Controller('api/v1/templates')
export class TemplatesController {
  constructor(private readonly bus: BusClient) {}

  @Get()
  @ApiOperation({ summary: 'The template files, with the version each is registered as, and the files with problems' })
  @ApiOkResponse({ description: '{ items: [{ name, description, image, file, version, changedSinceRegistered, resources }], problems: [{ file, field, message, kind }] }' })
  async list() {
    const reply = await this.bus.query('template.list', {});
    if (!reply.ok) throw toHttpException(reply.error);
    return { items: reply.result.templates, problems: reply.result.problems };
  }

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Checks a template (the body) as its file would be checked, against the built-in container policy; changes nothing' })
  @ApiBody({ description: 'a template, as in configs/agents/<name>.json', schema: { type: 'object' } })
  @ApiOkResponse({ description: '{ valid: true, template (defaults applied), hash }; a refusal is 400 TEMPLATE.INVALID with details.problems [{ field, message, kind }]' })
  validate(@Body() body: unknown) {
    const r = validateTemplate(body);
    if (r.ok) return { valid: true, template: r.template, hash: r.hash };
    const first = r.problems[0]!;
    throw new ApiError(400, ErrorCodes.TEMPLATE_INVALID, `the template is invalid: ${first.field}: ${first.message}`, { problems: r.problems });
  }

  @Get(':name')
  @ApiParam({ name: 'name', example: 'grok4' })
  @ApiOperation({ summary: 'One template: its current definition, hash and registered version, and which agents run which version' })
  @ApiOkResponse({ description: '{ name, definition, hash, file, source, version, registeredAt, changedSinceRegistered, problems, agents: [{ agent, agentId, version }] }' })
  async get(@Param('name', new ZodPipe(TemplateName, 'query')) name: string) {
    const reply = await this.bus.query('template.get', { name });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.result;
  }

  @Get(':name/versions')
  @ApiOperation({ summary: "Every registered version of a template, newest first: version, hash, when and who (the command's actor)" })
  @ApiOkResponse({ description: '{ items: [{ name, version, hash, file, at, actor, commandId }] }' })
  async versions(@Param('name', new ZodPipe(TemplateName, 'query')) name: string) {
    const reply = await this.bus.query('template.versions', { name });
    if (!reply.ok) throw toHttpException(reply.error);
    return { items: reply.result };
  }

  @Get(':name/versions/:version')
  @ApiOperation({ summary: 'One registered version, with its definition' })
  @ApiOkResponse({ description: '{ name, version, hash, file, at, actor, commandId, definition }' })
  async version(@Param('name', new ZodPipe(TemplateName, 'query')) name: string, @Param('version', new ZodPipe(Version, 'query')) version: number) {
    const reply = await this.bus.query('template.version', { name, version });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.result;
  }

  @Get(':name/diff')
  @ApiOperation({ summary: 'What changed from one registered version to another, field by field (JSON Pointer paths)' })
  @ApiOkResponse({ description: "{ name, from: { version, hash }, to: { version, hash }, changes: [{ path, kind: 'added'|'removed'|'changed', before?, after? }] }" })
  async diff(@Param('name', new ZodPipe(TemplateName, 'query')) name: string, @Query(new ZodPipe(DiffQuery, 'query')) q: z.infer<typeof DiffQuery>) {
    const reply = await this.bus.query('template.diff', { name, from: q.from, to: q.to });
    if (!reply.ok) throw toHttpException(reply.error);
    return reply.result;
  }
}
