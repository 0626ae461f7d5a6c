import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SetSecretV1 } from '@sacp/events';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { checkLocally, REASON_HELP } from '../options';
import { json } from '../output/format';
import { promptHidden, readAll } from '../prompt';
import type { Runtime } from '../runtime';

export function registerSecret(program: Command, rt: Runtime): void {
  const secret = program.command('secret').summary('manage secrets (API keys, tokens) stored encrypted by the control plane');
  secret
    .command('set')
    .summary('store a secret value, read from stdin or a file (never from the command line)')
    .description(
      'Stores a secret, encrypted at rest. The value is read from stdin (one trailing newline is dropped) or from --from-file; it is never echoed, logged or put in an event: the audit trail records the name only. A secret is usable only by the templates it is granted to (--templates): a deploy of any other template that refers to it is refused.',
    )
    .argument('<name>', 'secret name, as templates refer to it ({"secretRef": "<name>"})')
    .option('--from-file <file>', 'read the value from this file instead of stdin')
    .option('--templates <names>', 'the templates that may use it, comma-separated (replaces the earlier grant; "" grants none); without it the grant stays as it is')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp secret set xai-api-key --templates grok4   # type the value, then Enter (not shown)
  $ pass show xai | sacp secret set xai-api-key --templates grok4,manager
  $ sacp secret set xai-api-key --from-file ~/.config/xai/key   # new value, same grant`,
    )
    .action(rt.action(setSecret));
  secret
    .command('grant')
    .summary('choose the templates that may use a stored secret, without its value')
    .description(
      'Replaces the templates a stored secret is granted to. A deploy of a template that refers to a secret it is not granted is refused, and its containers never get the value. The value is neither needed nor changed.',
    )
    .argument('<name>', 'secret name')
    .requiredOption('--templates <names>', 'the templates that may use it, comma-separated ("" grants none)')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ sacp secret grant xai-api-key --templates grok4,manager
  $ sacp secret grant xai-api-key --templates ""      # usable by no template`,
    )
    .action(rt.action(grantSecret));
}

function templateList(names: string): string[] {
  const templates = names
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return checkLocally(SetSecretV1.payload.shape.templates, templates, '--templates')!;
}

async function grantSecret(ctx: CliContext, name: string, o: { templates: string; reason?: string; json?: boolean }): Promise<void> {
  checkLocally(SetSecretV1.payload.shape.name, name, 'secret name');
  const templates = templateList(o.templates);
  const reply = await ctx.command('secret.set', { name, templates }, { reason: o.reason, what: 'secret grant' });
  if (o.json) return ctx.io.out(json({ name: reply.result.name, templates: reply.result.templates, duplicate: reply.duplicate }));
  ctx.io.out(`secret "${reply.result.name}" ${reply.result.templates.length ? `usable by ${reply.result.templates.join(', ')}` : 'usable by no template'}\n`);
}

async function setSecret(ctx: CliContext, name: string, o: { fromFile?: string; templates?: string; reason?: string; json?: boolean }): Promise<void> {
  checkLocally(SetSecretV1.payload.shape.name, name, 'secret name');
  const templates = o.templates === undefined ? undefined : templateList(o.templates);
  const raw =
    o.fromFile !== undefined ? await readSecretFile(o.fromFile) : ctx.io.stdin.isTTY ? await promptHidden(ctx, `value for secret "${name}"`) : await readAll(ctx.io.stdin);
  const value = raw.replace(/\r?\n$/, '');
  if (!value) throw new UsageError(`the value for secret "${name}" is empty: pipe it on stdin or use --from-file`);
  const reply = await ctx.command('secret.set', { name, value, ...(templates ? { templates } : {}) }, { reason: o.reason, what: 'secret set' });
  const granted = reply.result.templates ?? [];
  if (o.json) return ctx.io.out(json({ name: reply.result.name, version: reply.result.version, templates: granted, duplicate: reply.duplicate }));
  ctx.io.out(
    `secret "${reply.result.name}" stored (version ${reply.result.version}); ${
      granted.length ? `usable by ${granted.join(', ')}` : `usable by no template yet: sacp secret grant ${reply.result.name} --templates <template,...>`
    }\n`,
  );
}

async function readSecretFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --from-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}
