import { SqlMigration } from './sql-migration';

/**
 * Appends no longer NOTIFY: Postgres serialises every committing transaction that
 * notified, which halved throughput with concurrent writers. Writers announce their
 * commits on the bus instead (a hint; every reader also polls).
 */
export class WakeUpOverTheBus1700000000005 extends SqlMigration {
  readonly name = 'WakeUpOverTheBus1700000000005';
  readonly legacyId = '005-wake-up-over-the-bus';
  readonly sql = /* sql */ `
drop trigger if exists events_notify on events;
drop function if exists sacp_notify_append();
`;
}
