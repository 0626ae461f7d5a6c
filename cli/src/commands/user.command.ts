import { Option, type Command } from 'commander';
import { AddUserV1, ROLES, type Role } from '@sacp/events';
import type { CliContext } from '../context';
import { UsageError } from '../errors';
import { checkLocally, REASON_HELP } from '../options';
import { json, timeLabel } from '../output/format';
import { renderTable } from '../output/table';
import { promptHidden, readAll } from '../prompt';
import type { Runtime } from '../runtime';

const roleOption = () => new Option('--role <role>', 'viewer, operator or admin').choices(ROLES);

export function registerUser(program: Command, rt: Runtime): void {
  const user = program.command('user').summary('people who sign in to the API and the dashboard, and their roles');
  user
    .command('add')
    .summary('add a user with a role; the password is read from stdin or asked for (never from the command line)')
    .description(
      'Adds a user. The password (12 characters or more) is read from stdin when it is piped (one trailing newline is dropped), or asked for twice without echo on a terminal. It is stored as an argon2id hash only; the audit trail and the events record the name and the role.',
    )
    .argument('<name>', 'user name: a-z, 0-9, "_", "." and "-"')
    .addOption(roleOption())
    .option('--admin', 'shorthand for --role admin (the first admin is made this way)')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ sacp user add alice --admin            # type the password twice (not shown)\n  $ pass show sacp/bob | sacp user add bob --role operator',
    )
    .action(rt.action(addUser));
  user.command('list').summary('users and their roles').option('--json', 'print the users as JSON').action(rt.action(listUsers));
  user
    .command('set-role')
    .summary("change a user's role (the last admin keeps admin)")
    .argument('<name>', 'user name')
    .argument('<role>', 'viewer, operator or admin')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .action(rt.action(setRole));
  user
    .command('remove')
    .summary('remove a user and revoke its tokens (the last admin cannot be removed)')
    .argument('<name>', 'user name')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .action(rt.action(removeUser));
}

async function readPassword(ctx: CliContext, name: string): Promise<string> {
  if (!ctx.io.stdin.isTTY) return (await readAll(ctx.io.stdin)).replace(/\r?\n$/, '');
  const first = await promptHidden(ctx, `password for "${name}"`);
  checkLocally(AddUserV1.payload.shape.password, first, 'password');
  const again = await promptHidden(ctx, 'the same password again');
  if (again !== first) throw new UsageError('the two passwords differ; run the command again');
  return first;
}

async function addUser(ctx: CliContext, name: string, o: { role?: Role; admin?: boolean; reason?: string; json?: boolean }): Promise<void> {
  checkLocally(AddUserV1.payload.shape.name, name, 'user name');
  if (o.admin && o.role && o.role !== 'admin') throw new UsageError(`--admin and --role ${o.role} disagree: give one of them`);
  const role = o.admin ? 'admin' : o.role;
  if (!role) throw new UsageError('give the role: --role viewer|operator|admin, or --admin');
  const password = checkLocally(AddUserV1.payload.shape.password, await readPassword(ctx, name), 'password');
  const reply = await ctx.command('user.add', { name, role, password }, { reason: o.reason, what: 'user add' });
  if (o.json) return ctx.io.out(json({ ...reply.result, duplicate: reply.duplicate }));
  ctx.io.out(`user "${reply.result.name}" added with the role ${reply.result.role ?? role}\n`);
}

async function listUsers(ctx: CliContext, o: { json?: boolean }): Promise<void> {
  const users = await ctx.query('user.list', {}, 'user list');
  if (o.json) return ctx.io.out(json(users));
  if (!users.length) return ctx.io.out('no users yet; add the first admin with: sacp user add NAME --admin\n');
  ctx.io.out(
    renderTable(
      ['NAME', 'ROLE', 'ADDED', 'ID'],
      users.map((u) => [u.name, u.role, timeLabel(u.createdAt), u.userId]),
    ),
  );
}

async function setRole(ctx: CliContext, name: string, role: string, o: { reason?: string; json?: boolean }): Promise<void> {
  if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`"${role}" is not a role: give viewer, operator or admin`);
  const reply = await ctx.command('user.set_role', { name, role: role as Role }, { reason: o.reason, what: 'user set-role' });
  if (o.json) return ctx.io.out(json({ ...reply.result, duplicate: reply.duplicate }));
  ctx.io.out(reply.result.changed ? `user "${name}" is now ${role}\n` : `user "${name}" was ${role} already\n`);
}

async function removeUser(ctx: CliContext, name: string, o: { reason?: string; json?: boolean }): Promise<void> {
  const reply = await ctx.command('user.remove', { name }, { reason: o.reason, what: 'user remove' });
  if (o.json) return ctx.io.out(json({ ...reply.result, duplicate: reply.duplicate }));
  const n = reply.result.revokedTokens?.length ?? 0;
  ctx.io.out(`user "${name}" removed${n ? `; ${n} token${n === 1 ? '' : 's'} revoked with it` : ''}\n`);
}
