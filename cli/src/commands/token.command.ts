import { Option, type Command } from 'commander';
import { CreateTokenV1, ROLES, type Role } from '@sacp/events';
import type { CliContext } from '../context';
import { CliError, ExitCode, UsageError } from '../errors';
import { checkLocally, REASON_HELP } from '../options';
import { dash, json, timeLabel } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--expires`: a duration from now (90m, 12h, 30d, 2w) or an ISO time. */
export function expiryFrom(value: string, now = Date.now()): string {
  const m = /^(\d{1,5})([mhdw])$/.exec(value.trim());
  if (m) return new Date(now + Number(m[1]) * UNIT_MS[m[2]!]!).toISOString();
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) throw new UsageError(`--expires ${value}: give a duration (90m, 12h, 30d, 2w) or an ISO time (2027-01-31T00:00:00Z)`);
  return new Date(t).toISOString();
}

export function registerToken(program: Command, rt: Runtime): void {
  const token = program.command('token').summary('API tokens for scripts: created and revoked here, shown once, stored hashed');
  token
    .command('create')
    .summary('create an API token; it is printed once and cannot be shown again')
    .description(
      'Creates an API token with a role (and optionally the user it acts for, and an expiry). The token is printed once, on stdout; only its SHA-256 is stored, and the audit trail and the events record its name, role and expiry only. Scripts send it as "Authorization: Bearer <token>".',
    )
    .requiredOption('--name <name>', 'what the token is for, e.g. deploy-script')
    .addOption(new Option('--role <role>', 'viewer, operator or admin').choices(ROLES).makeOptionMandatory())
    .option('--user <name>', 'the user it acts for (its role is at most that user’s)')
    .option('--expires <when>', 'a duration from now (90m, 12h, 30d, 2w) or an ISO time; without it the token works until revoked')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result (with the token) as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sacp token create --name deploy-script --role operator --expires 30d\n  $ sacp token create --name grafana --role viewer --json | jq -r .token',
    )
    .action(rt.action(createToken));
  token.command('list').summary('API tokens, newest first').option('--all', 'include revoked tokens').option('--json', 'print the tokens as JSON').action(rt.action(listTokens));
  token
    .command('revoke')
    .summary('revoke an API token: it stops working at once')
    .argument('<id>', 'token id (sacp token list)')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .action(rt.action(revokeToken));
}

async function createToken(ctx: CliContext, o: { name: string; role: Role; user?: string; expires?: string; reason?: string; json?: boolean }): Promise<void> {
  checkLocally(CreateTokenV1.payload.shape.name, o.name, 'token name');
  const expiresAt = o.expires === undefined ? undefined : expiryFrom(o.expires);
  const payload = { name: o.name, role: o.role, ...(o.user ? { user: o.user } : {}), ...(expiresAt ? { expiresAt } : {}) };
  const reply = await ctx.command('token.create', payload, { reason: o.reason, what: 'token create' });
  const r = reply.result;
  if (!r.token)
    throw new CliError(
      `token ${r.tokenId} was created by an earlier delivery of this command, whose reply had the token; it cannot be shown again: revoke it (sacp token revoke ${r.tokenId}) and create another`,
      ExitCode.FAILED,
      'TOKEN.SHOWN_ONCE',
    );
  if (o.json) return ctx.io.out(json({ ...r, duplicate: reply.duplicate }));
  ctx.io.err(
    `token "${r.name}" (${r.tokenId}, ${r.role}${r.expiresAt ? `, expires ${timeLabel(r.expiresAt)}` : ', no expiry'}) created.\nCopy it now: it will not be shown again.\n`,
  );
  ctx.io.out(`${r.token}\n`);
}

async function listTokens(ctx: CliContext, o: { all?: boolean; json?: boolean }): Promise<void> {
  const tokens = await ctx.query('token.list', { all: o.all === true }, 'token list');
  if (o.json) return ctx.io.out(json(tokens));
  if (!tokens.length) return ctx.io.out(o.all ? 'no tokens\n' : 'no live tokens (sacp token list --all shows revoked ones)\n');
  ctx.io.out(
    renderTable(
      ['ID', 'NAME', 'ROLE', 'USER', 'EXPIRES', 'LAST USED', 'STATE'],
      tokens.map((t) => [
        t.tokenId,
        t.name,
        t.role,
        dash(t.user),
        timeLabel(t.expiresAt),
        timeLabel(t.lastUsedAt),
        t.revokedAt ? `revoked ${timeLabel(t.revokedAt)}` : t.expiresAt && Date.parse(t.expiresAt) <= Date.now() ? 'expired' : 'live',
      ]),
    ),
  );
}

async function revokeToken(ctx: CliContext, id: string, o: { reason?: string; json?: boolean }): Promise<void> {
  const reply = await ctx.command('token.revoke', { tokenId: id }, { reason: o.reason, what: 'token revoke' });
  if (o.json) return ctx.io.out(json({ ...reply.result, duplicate: reply.duplicate }));
  ctx.io.out(`token "${reply.result.name}" (${reply.result.tokenId}) revoked\n`);
}
