import { EventStore1700000000001 } from './001-event-store';
import { ReadModels1700000000002 } from './002-read-models';
import { Secrets1700000000003 } from './003-secrets';
import { AppendFunction1700000000004 } from './004-append-function';
import { WakeUpOverTheBus1700000000005 } from './005-wake-up-over-the-bus';
import { RegistryHealth1700000000006 } from './006-registry-health';
import { ServiceRoleGrants1700000000007 } from './007-service-role-grants';
import { CommandBinding1700000000008 } from './008-command-binding';
import { SecretGrants1700000000009 } from './009-secret-grants';
import { StoreIdentity1700000000010 } from './010-store-identity';
import { Credentials1700000000011 } from './011-credentials';
import { ApiSessions1700000000012 } from './012-api-sessions';
import { Alerts1700000000013 } from './013-alerts';
import { AgentLogs1700000000014 } from './014-agent-logs';
import { Teams1700000000015 } from './015-teams';
import { Tasks1700000000016 } from './016-tasks';
import type { SqlMigration } from './sql-migration';

export { MIGRATIONS_TABLE, SqlMigration } from './sql-migration';

/** Every migration, oldest first: what the DataSource runs and what a service's schema check expects. */
export const MIGRATIONS: (new () => SqlMigration)[] = [
  EventStore1700000000001,
  ReadModels1700000000002,
  Secrets1700000000003,
  AppendFunction1700000000004,
  WakeUpOverTheBus1700000000005,
  RegistryHealth1700000000006,
  ServiceRoleGrants1700000000007,
  CommandBinding1700000000008,
  SecretGrants1700000000009,
  StoreIdentity1700000000010,
  Credentials1700000000011,
  ApiSessions1700000000012,
  Alerts1700000000013,
  AgentLogs1700000000014,
  Teams1700000000015,
  Tasks1700000000016,
];

/** The names TypeORM records for them, in order. */
export const MIGRATION_NAMES: string[] = MIGRATIONS.map((M) => new M().name);
