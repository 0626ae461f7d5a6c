import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskDetailView, type TaskPriority, type TaskStatus, type TaskView } from '@sacp/events';
import type { CliContext } from '../context';
import { CliError, ExitCode, refused, UsageError } from '../errors';
import { REASON_HELP } from '../options';
import { json } from '../output/format';
import { renderTable } from '../output/table';
import { renderTask, taskLine } from '../output/task';
import type { Runtime } from '../runtime';

const FOLLOW_POLL_MS = 500;

export function registerTask(program: Command, rt: Runtime): void {
  const task = program
    .command('task')
    .summary('create, list, show and cancel tasks for agents and teams')
    .description(
      'Tasks for an agent or a team. For a team the dispatcher picks the member: an idle one first, then the one with the fewest open tasks, of the role asked for; a stopped member is started. A failed, refused or timed-out attempt is retried up to --max-attempts, then the task fails with the reason.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ sacp task create "Review PR 42" --team coding --role reviewer --inputs \'{"pr":42}\' --follow\n  $ sacp task list --team coding --status running\n  $ sacp task show 0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20\n  $ sacp task cancel 0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20 --reason "not needed"',
    );

  task
    .command('create')
    .summary('create a task for one agent (--agent) or a team (--team, optionally --role)')
    .argument('<title>', 'what the task is, in a line')
    .option('--agent <agent>', 'the agent that does it (name or id)')
    .option('--team <team>', 'the team whose member does it')
    .option('--role <role>', 'only members of this role (with --team)')
    .option('--instructions <text>', 'what to do, in words')
    .option('--instructions-file <path>', 'read the instructions from a file')
    .option('--inputs <json>', 'inputs as a JSON object')
    .option('--priority <priority>', `one of ${TASK_PRIORITIES.join(', ')}`)
    .option('--deadline <time>', 'an ISO time by which it must be done')
    .option('--run-timeout <seconds>', 'how long one attempt may run once accepted', Number)
    .option('--max-attempts <n>', 'attempts before the task fails', Number)
    .option('--follow', 'wait and print its progress until it is finished')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .action(rt.action(create));

  task
    .command('list')
    .summary('tasks, newest first')
    .option('--team <team>', 'of one team')
    .option('--agent <agent>', 'of one agent')
    .option('--status <status>', `one of ${TASK_STATUSES.join(', ')}`)
    .option('--limit <n>', 'at most this many', Number)
    .option('--json', 'print the TaskView objects as JSON')
    .action(rt.action(list));

  task
    .command('show')
    .summary('one task with its attempts')
    .argument('<taskId>', 'the task id')
    .option('--follow', 'wait and print its progress until it is finished')
    .option('--json', 'print the task as JSON')
    .action(rt.action(show));

  task
    .command('cancel')
    .summary('cancel a task that is not finished (its agent is told)')
    .argument('<taskId>', 'the task id')
    .option('--reason <text>', REASON_HELP)
    .option('--json', 'print the result as JSON')
    .action(rt.action(cancel));
}

interface CreateFlags {
  agent?: string;
  team?: string;
  role?: string;
  instructions?: string;
  instructionsFile?: string;
  inputs?: string;
  priority?: string;
  deadline?: string;
  runTimeout?: number;
  maxAttempts?: number;
  follow?: boolean;
  reason?: string;
  json?: boolean;
}

function parseInputs(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--inputs is not JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError('--inputs must be a JSON object, e.g. \'{"pr":42}\'');
  return v as Record<string, unknown>;
}

async function create(ctx: CliContext, title: string, o: CreateFlags): Promise<void> {
  if ((o.agent === undefined) === (o.team === undefined)) throw new UsageError('give exactly one of --agent and --team');
  if (o.role !== undefined && o.team === undefined) throw new UsageError('--role goes with --team');
  if (o.instructions !== undefined && o.instructionsFile !== undefined) throw new UsageError('give --instructions or --instructions-file, not both');
  if (o.priority !== undefined && !(TASK_PRIORITIES as readonly string[]).includes(o.priority)) throw new UsageError(`--priority is one of ${TASK_PRIORITIES.join(', ')}`);
  if (o.runTimeout !== undefined && !(Number.isInteger(o.runTimeout) && o.runTimeout > 0)) throw new UsageError('--run-timeout is a whole number of seconds');
  if (o.maxAttempts !== undefined && !(Number.isInteger(o.maxAttempts) && o.maxAttempts > 0)) throw new UsageError('--max-attempts is a whole number from 1');
  const instructions =
    o.instructionsFile !== undefined
      ? await readFile(o.instructionsFile, 'utf8').catch((err: Error) => Promise.reject(new UsageError(`cannot read ${o.instructionsFile}: ${err.message}`)))
      : o.instructions;
  const payload = {
    title,
    ...(o.agent !== undefined ? { agent: o.agent } : {}),
    ...(o.team !== undefined ? { team: o.team } : {}),
    ...(o.role !== undefined ? { role: o.role } : {}),
    ...(instructions !== undefined ? { instructions } : {}),
    ...(o.inputs !== undefined ? { inputs: parseInputs(o.inputs) } : {}),
    ...(o.priority !== undefined ? { priority: o.priority as TaskPriority } : {}),
    ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
    ...(o.runTimeout !== undefined ? { timeoutMs: o.runTimeout * 1000 } : {}),
    ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts } : {}),
  };
  const reply = await ctx.command('task.create', payload, { reason: o.reason, what: 'task create' });
  const taskId = reply.result.taskId;
  if (!o.follow) {
    if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...reply.result }));
    return ctx.io.out(`created task ${taskId} (queued)\nfollow it with: sacp task show ${taskId} --follow\n`);
  }
  if (!o.json) ctx.io.out(`created task ${taskId}\n`);
  await follow(ctx, taskId, !!o.json);
}

async function list(ctx: CliContext, o: { team?: string; agent?: string; status?: string; limit?: number; json?: boolean }): Promise<void> {
  if (o.status !== undefined && !(TASK_STATUSES as readonly string[]).includes(o.status)) throw new UsageError(`--status is one of ${TASK_STATUSES.join(', ')}`);
  const max = o.limit ?? 1000;
  const body = { ...(o.team ? { team: o.team } : {}), ...(o.agent ? { agent: o.agent } : {}), ...(o.status ? { status: o.status as TaskStatus } : {}) };
  const tasks: TaskView[] = [];
  let cursor: string | undefined;
  do {
    const reply = await ctx.bus.query('task.list', { ...body, pageSize: Math.min(200, max - tasks.length), ...(cursor ? { cursor } : {}) });
    if (!reply.ok) throw refused(reply.error, 'task list');
    tasks.push(...reply.result);
    cursor = reply.nextCursor;
  } while (cursor && tasks.length < max);
  if (o.json) return ctx.io.out(json(tasks));
  if (!tasks.length) return ctx.io.out('no tasks\n');
  ctx.io.out(
    renderTable(
      ['TASK', 'STATUS', 'PRIORITY', 'FOR', 'AGENT', 'ATTEMPT', 'TITLE'],
      tasks.map((t) => [t.taskId, t.status, t.priority, t.team ? `${t.team}${t.role ? `/${t.role}` : ''}` : '-', t.agent?.name ?? '-', `${t.attempt}/${t.maxAttempts}`, t.title]),
    ),
  );
}

async function show(ctx: CliContext, taskId: string, o: { follow?: boolean; json?: boolean }): Promise<void> {
  if (o.follow) return follow(ctx, taskId, !!o.json);
  const t = await ctx.query('task.get', { taskId }, 'task show');
  ctx.io.out(o.json ? json(t) : renderTask(t));
}

async function cancel(ctx: CliContext, taskId: string, o: { reason?: string; json?: boolean }): Promise<void> {
  const reply = await ctx.command('task.cancel', { taskId }, { reason: o.reason, what: 'task cancel' });
  if (o.json) return ctx.io.out(json({ commandId: reply.commandId, duplicate: reply.duplicate, ...reply.result }));
  ctx.io.out(reply.result.changed ? `cancelled task ${taskId}\n` : `task ${taskId} is ${reply.result.status} already; nothing changed\n`);
}

/** Prints each change of the task (status, attempt, progress) until it is finished; exits 1 when it failed or was cancelled. */
async function follow(ctx: CliContext, taskId: string, asJson: boolean): Promise<void> {
  let last = '';
  let t: TaskDetailView | null = null;
  for (;;) {
    const reply = await ctx.bus.query('task.get', { taskId });
    if (reply.ok) {
      t = reply.result;
      const line = taskLine(t);
      if (line !== last && !asJson) ctx.io.out(`${new Date().toISOString()} ${line}\n`);
      last = line;
      if (t.status === 'succeeded' || t.status === 'failed' || t.status === 'cancelled') break;
    } else if (reply.error.code !== 'TASK.NOT_FOUND') throw refused(reply.error, 'task show');
    await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
  }
  if (asJson) ctx.io.out(json(t));
  else if (t.status === 'succeeded') ctx.io.out(`result: ${JSON.stringify(t.result)}\n`);
  if (t.status !== 'succeeded') throw new CliError(`TASK.${t.status.toUpperCase()}: ${t.failureReason ?? t.status}`, ExitCode.FAILED, `TASK.${t.status.toUpperCase()}`);
}
