import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_POLICY, describeTemplateProblems, parseTemplate } from '@sacp/domain';
import { resolveHostPath, withRealPaths } from '@sacp/platform';
import type { CliContext } from '../context';
import { CliError, ExitCode } from '../errors';
import { REASON_HELP } from '../options';
import { dash, json } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';

export function registerTemplates(program: Command, rt: Runtime): void {
  const templates = program
    .command('templates')
    .summary('list, validate and sync agent templates')
    .description("Agent templates: the JSON files in the control plane's config directory (configs/agents/<name>.json).")
    .addHelpText('after', '\nExamples:\n  $ sacp templates list\n  $ sacp templates validate configs/agents/*.json\n  $ sacp templates sync');

  templates
    .command('list')
    .summary('list the templates the control plane knows')
    .option('--json', 'print templates and problems as JSON')
    .addHelpText('after', "\nExamples:\n  $ sacp templates list\n  $ sacp templates list --json | jq -r '.templates[].name'")
    .action(rt.action(list));

  templates
    .command('validate')
    .summary('check template files here, without the control plane')
    .description(
      'Checks template files locally against the template schema and the container policy (host paths allowed by SACP_ALLOWED_HOST_PATHS). Exits 1 listing every problem as "<file>: <field>: <message>".',
    )
    .argument('<files...>', 'template files (<name>.json)')
    .option('--json', 'print the result for each file as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp templates validate configs/agents/grok4.json\n  $ SACP_ALLOWED_HOST_PATHS=/srv/work sacp templates validate configs/agents/*.json')
    .action(rt.action(validateFiles));

  templates
    .command('sync')
    .summary('record every changed template file as a new template version')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  $ sacp templates sync --reason "bumped grok4 memory"')
    .action(rt.action(sync));
}

async function list(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  const r = await ctx.query('template.list', {}, 'templates list');
  if (o.json) return ctx.io.out(json(r));
  if (!r.templates.length) ctx.io.out("no valid templates in the control plane's config directory\n");
  else
    ctx.io.out(
      renderTable(
        ['NAME', 'VERSION', 'CHANGED', 'IMAGE', 'MEMORY', 'CPUS', 'DESCRIPTION'],
        r.templates.map((t) => [
          t.name,
          t.version === null ? '-' : String(t.version),
          t.version === null ? 'new' : t.changedSinceRegistered ? 'yes' : 'no',
          t.image,
          dash(t.resources?.memory),
          t.resources?.cpus === undefined ? '-' : String(t.resources.cpus),
          dash(t.description),
        ]),
      ),
    );
  if (r.problems.length) ctx.io.out(`\ninvalid template files (not deployable until fixed):\n${indent(describeTemplateProblems(r.problems))}\n`);
}

async function validateFiles(ctx: CliContext, files: string[], o: { json?: boolean }): Promise<void> {
  const policy = { ...DEFAULT_POLICY, allowedHostPaths: withRealPaths(ctx.env.allowedHostPaths), forbiddenHostPaths: withRealPaths(DEFAULT_POLICY.forbiddenHostPaths) };
  const results = await Promise.all(
    files.map(async (file) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        return { file, ok: false, problems: [{ file, field: '(file)', message: `cannot read it: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, kind: 'invalid' as const }] };
      }
      const parsed = parseTemplate(file, text, policy, resolveHostPath);
      return parsed.ok ? { file, ok: true, template: parsed.template.name, problems: [] } : { file, ok: false, problems: parsed.problems };
    }),
  );
  const bad = results.filter((r) => !r.ok);
  if (o.json) ctx.io.out(json(results));
  else for (const r of results) ctx.io.out(r.ok ? `${r.file}: ok\n` : `${describeTemplateProblems(r.problems)}\n`);
  if (bad.length)
    throw new CliError(
      `TEMPLATE.INVALID: ${bad.length} of ${results.length} template file${results.length === 1 ? '' : 's'} ${bad.length === 1 ? 'has' : 'have'} problems (${bad.reduce((n, r) => n + r.problems.length, 0)} in all)`,
      ExitCode.FAILED,
      'TEMPLATE.INVALID',
    );
}

async function sync(ctx: CliContext, o: { json?: boolean; reason?: string }): Promise<void> {
  const reply = await ctx.command('template.sync', {}, { reason: o.reason, what: 'templates sync' });
  const r = reply.result;
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...r }));
  const lines = [...r.registered.map((t) => `registered ${t.name}@${t.version}`), ...r.unchanged.map((t) => `unchanged  ${t.name}@${t.version}`)];
  if (!lines.length) lines.push('no valid templates found');
  if (r.problems.length) lines.push('', 'invalid template files (skipped):', indent(describeTemplateProblems(r.problems)));
  ctx.io.out(`${lines.join('\n')}\n`);
}

const indent = (s: string) => s.replace(/^/gm, '  ');
