import { Client } from 'pg';

/**
 * A pg client that ends itself as soon as the server says it ends the session (an
 * error of severity FATAL: an administrator terminated the backend, the server shuts
 * down). The failed query's connection is otherwise handed back to the pool before the
 * socket's close arrives, and the next query there fails as well ("Connection
 * terminated unexpectedly"): a retry would meet the failure it retries. The pool drops
 * a client that is ending when it is released. The DataSource's pool uses this class.
 */
export class SessionAwareClient extends Client {
  private ready = false;

  constructor(...args: ConstructorParameters<typeof Client>) {
    super(...args);
    this.once('connect', () => (this.ready = true));
    this.connection.on('errorMessage', (msg: { severity?: string }) => {
      if (this.ready && (msg.severity === 'FATAL' || msg.severity === 'PANIC')) void this.end().catch(() => undefined);
    });
  }
}
