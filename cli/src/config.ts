import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * Everything the CLI takes from its environment, read once. `process.env` is read
 * nowhere else in cli/src, so `sacp --help` can name every variable here.
 */
export interface CliEnvironment {
  /** NATS_URL: where the control plane's bus is; `--nats` overrides it */
  natsUrl: string;
  /** SACP_NATS_CREDENTIALS: the CLI's bus credential; `--nats-credentials` overrides it */
  natsCredentials: string;
  /** SACP_STATE_DIR: where `sacp bus init` keeps the server config and every credential */
  stateDir: string;
  /** SACP_ACTOR: who the audit trail says ran the command (default: the OS user) */
  actorId: string;
  /** SACP_ALLOWED_HOST_PATHS: host paths templates may mount, comma-separated (local validation) */
  allowedHostPaths: string[];
  /** `cli@<hostname>`: where commands come from */
  source: string;
}

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
export const DEFAULT_STATE_DIR = '/var/lib/sacp';
/** the credential `sacp bus init` writes for the CLI under a state directory */
export const cliCredentialPath = (stateDir: string) => join(stateDir, 'nats', 'credentials', 'cli.json');

export const ENVIRONMENT_HELP = `Environment:
  NATS_URL                 the control plane's NATS (default ${DEFAULT_NATS_URL}); --nats overrides it
  SACP_NATS_CREDENTIALS    the CLI's NATS credential file (default: $SACP_STATE_DIR/nats/credentials/cli.json); --nats-credentials overrides it
  SACP_STATE_DIR           the control plane's state directory (default ${DEFAULT_STATE_DIR}); "sacp bus" writes under <dir>/nats
  SACP_ACTOR               who the audit trail records as running the command (default: your OS user name)
  SACP_ALLOWED_HOST_PATHS  host paths templates may mount, comma-separated (for "templates validate")`;

function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    // a uid without a passwd entry (common in containers)
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  return {
    natsUrl: env.NATS_URL?.trim() || DEFAULT_NATS_URL,
    stateDir: env.SACP_STATE_DIR?.trim() || DEFAULT_STATE_DIR,
    natsCredentials: env.SACP_NATS_CREDENTIALS?.trim() || cliCredentialPath(env.SACP_STATE_DIR?.trim() || DEFAULT_STATE_DIR),
    actorId: env.SACP_ACTOR?.trim() || osUser(),
    allowedHostPaths: (env.SACP_ALLOWED_HOST_PATHS ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    source: `cli@${hostname()}`,
  };
}
