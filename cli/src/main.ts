import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { registerAdopt } from './commands/adopt.command';
import { registerDeploy } from './commands/deploy.command';
import { registerDiscord } from './commands/discord.command';
import { registerAudit } from './commands/audit.command';
import { registerBus } from './commands/bus.command';
import { registerHistory } from './commands/history.command';
import { registerLogs } from './commands/logs.command';
import { registerQuarantine } from './commands/quarantine.command';
import { registerReplay } from './commands/replay.command';
import { registerRestart } from './commands/restart.command';
import { registerRm } from './commands/rm.command';
import { registerSecret } from './commands/secret.command';
import { registerStart } from './commands/start.command';
import { registerStatus } from './commands/status.command';
import { registerStop } from './commands/stop.command';
import { registerTeam } from './commands/team.command';
import { registerTask } from './commands/task.command';
import { registerTemplates } from './commands/templates.command';
import { registerToken } from './commands/token.command';
import { registerUser } from './commands/user.command';
import { registerVolumes } from './commands/volumes.command';
import { registerWhy } from './commands/why.command';
import { DEFAULT_NATS_URL, ENVIRONMENT_HELP, readCliEnvironment, type CliEnvironment } from './config';
import { processIo, type Io } from './context';
import { ExitCode, toCliError, UsageError } from './errors';
import { parseSeconds } from './options';
import { commandPath, Runtime } from './runtime';

const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  the control plane refused the command, or the operation failed or timed out
  2  usage error (the command line is wrong)
  3  NATS or the orchestrator cannot be reached`;

/** The package's version: the nearest package.json above the running CLI (dist/cli/src/main.js or cli/src/main.ts). */
function version(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // not here: one level up
    }
  }
  return 'unknown';
}

/** The whole command tree. Commander's own exits are turned into exceptions, so `run` decides every exit code. */
export function buildProgram(env: CliEnvironment, io: Io): Command {
  const program = new Command('sacp')
    .description('Operate the SuperAgent Control Plane: deploy, stop, watch and audit AI-agent containers.')
    .version(version(), '-V, --version', 'print the sacp version')
    .addOption(new Option('--nats <url>', `NATS URL of the control plane (default: $NATS_URL or ${DEFAULT_NATS_URL}; now ${env.natsUrl})`))
    .addOption(
      new Option('--nats-credentials <file>', `the CLI's NATS credential (default: $SACP_NATS_CREDENTIALS or <state dir>/nats/credentials/cli.json; now ${env.natsCredentials})`),
    )
    .option('--command-id <id>', 'id of the command sent (default: a new UUID); retrying with the same id is idempotent')
    .option('--timeout <seconds>', 'how long to wait for replies and for agents to reach the state asked for', parseSeconds, 30)
    .addHelpText(
      'after',
      `
Examples:
  $ sacp deploy grok4 --name coder-1 --reason "sprint 12"
  $ sacp status
  $ sacp logs coder-1 -f
  $ sacp history coder-1
  $ sacp why coder-1
  $ sacp audit --outcome refused
  $ sacp stop coder-1 --reason "over budget"
  $ sacp --nats nats://cp.internal:4222 status --json
  $ sacp discord seal-token --key-file discord.key --out discord-token.sealed < token.txt

${ENVIRONMENT_HELP}

${EXIT_CODES_HELP}`,
    );

  const rt = new Runtime(env, io);
  registerDeploy(program, rt);
  registerStatus(program, rt);
  registerStop(program, rt);
  registerStart(program, rt);
  registerRestart(program, rt);
  registerRm(program, rt);
  registerLogs(program, rt);
  registerHistory(program, rt);
  registerAudit(program, rt);
  registerWhy(program, rt);
  registerTemplates(program, rt);
  registerTeam(program, rt);
  registerTask(program, rt);
  registerReplay(program, rt);
  registerSecret(program, rt);
  registerDiscord(program, rt);
  registerBus(program, rt);
  registerAdopt(program, rt);
  registerQuarantine(program, rt);
  registerVolumes(program, rt);
  registerUser(program, rt);
  registerToken(program, rt);

  configureTree(program, io);
  return program;
}

/** Applies output, error and help settings to every command (commander copies them only at creation). */
function configureTree(command: Command, io: Io): void {
  command
    .exitOverride()
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(`sacp: ${s.replace(/^error: /, '')}`),
    })
    .showHelpAfterError(`usage: ${commandPath(command)} ${command.usage()}\n(see "${commandPath(command)} --help")`);
  for (const sub of command.commands) configureTree(sub, io);
}

/** Runs one invocation and returns the exit code; never throws. */
export async function run(argv: string[], io: Io = processIo(), env: CliEnvironment = readCliEnvironment()): Promise<number> {
  const program = buildProgram(env, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; "sacp" or "sacp templates" alone show help and exit 2
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.OK;
      return ExitCode.USAGE;
    }
    const e = toCliError(err);
    io.err(`sacp: ${e.message}\n`);
    if (e instanceof UsageError) io.err(`(see "${e.command ?? 'sacp'} --help")\n`);
    return e.exitCode;
  }
}

/** Entry point for bin/sacp.js. */
export function main(): void {
  // `sacp logs x | head` closes our stdout early: that is not an error
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.OK);
    throw err;
  });
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
