/**
 * What every dashboard browser test stands on: a whole control plane (its own Postgres
 * database, NATS, the orchestrator from dist/), the api process serving the dashboard,
 * headless Chromium, and helpers to act on the fleet behind the browser's back.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { TestControlPlane, type ControlPlaneOptions } from '../../support/control-plane';
import { TestApi, type TestSession } from '../../support/api';
import { launchBrowser, openPage, type PageOptions } from '../../support/browser';
import { waitFor } from '../../support/ports';

const run = promisify(execFile);

export class DashboardStack {
  readonly cp: TestControlPlane;
  readonly api: TestApi;
  browser!: Browser;
  /** an admin's session for setting the scene through the API */
  admin!: TestSession;
  readonly pages: { page: Page; problems: string[] }[] = [];

  /** `options.configDir`: a templates directory of the test's own (to change a template file) */
  constructor(options: ControlPlaneOptions = {}) {
    this.cp = new TestControlPlane(options);
    this.api = new TestApi(this.cp);
  }

  async start(): Promise<this> {
    await this.cp.start();
    // the monitor: resource samples for the grid's trends, and the alerts
    await this.cp.addMonitor();
    await this.api.start();
    this.admin = await this.api.session('root', 'admin');
    this.browser = await launchBrowser();
    return this;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await this.api.stop();
    await this.cp.stop();
  }

  get base(): string {
    return this.api.url();
  }

  /** A page of its own (own cookies), in UTC so typed times mean the same as the test's. */
  async page(options: PageOptions = {}): Promise<Page> {
    const { page, problems } = await openPage(this.browser, this.base, options);
    this.pages.push({ page, problems });
    return page;
  }

  /**
   * What the browsers complained about: Content-Security-Policy violations, script
   * errors, failed WebSocket handshakes. Not the answers with an error status (the 401
   * before sign-in, the viewer's forged 403, a removed agent's 404): the tests assert
   * those where they matter, and Chromium logs each as "Failed to load resource".
   */
  problems(): string[] {
    return this.pages.flatMap((p) => p.problems).filter((p) => !/Failed to load resource: the server responded with a status of \d+/.test(p));
  }

  /** Deploys through the API as the admin and waits until its container runs. */
  async deployRunning(name: string, template = 'sim'): Promise<string> {
    const r = await this.api.request('POST', '/api/v1/agents', { session: this.admin, body: { name, template } });
    if (r.status !== 202) throw new Error(`deploy ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    // accepted means committed; the read model follows a moment later
    const view = await waitFor(`${name} registered`, async () => (await this.cp.status(name))[0], 30_000, 200);
    await this.cp.waitForAgent(view.id, (a) => a.state.observed === 'running', 'running', 60_000);
    return view.id;
  }

  async containerOf(name: string): Promise<string> {
    const [view] = await this.cp.status(name);
    if (!view?.containerId) throw new Error(`${name} has no container`);
    return view.containerId;
  }

  /** `docker exec <container> sim-ctl <verb...>`: makes the sim agent act (print lines, exit). */
  async simCtl(name: string, ...verb: string[]): Promise<void> {
    await run('docker', ['exec', await this.containerOf(name), 'sim-ctl', ...verb], { timeout: 20_000 });
  }
}
