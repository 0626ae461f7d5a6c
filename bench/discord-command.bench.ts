/**
 * Discord message → acknowledgement, and Discord message → container running.
 *
 * Subject (A): the real discord-gateway process (discord.js) connected to the Discord
 * stand-in on loopback, in front of a real control plane (private database and
 * nats-server, the orchestrator from dist/). The clock starts when the stand-in
 * dispatches the user's MESSAGE_CREATE (`!deploy sim bench-a-N`) or INTERACTION_CREATE
 * (`/deploy template:sim`) on the gateway socket, and stops when the stand-in
 * receives
 *   ack      the bot's first answer: for a message, its reply (POST …/messages, sent once
 *            the orchestrator accepted the command); for a slash command, the deferral
 *            (interaction callback type 5, sent before any bus round trip);
 *   running  the edit of that reply saying the agent is running (the bot wakes on the
 *            agent's events as the relay publishes them, and polls its status every
 *            250 ms as a fallback), and, for reference, the moment the agent registry
 *            shows observed = running (polled from Postgres every 10 ms).
 * Baseline (B): the same deploy sent straight on NATS (what the CLI and scripts do):
 *   accepted = the orchestrator's reply; running = the registry shows running.
 * A and B alternate (A,B,A,B…). Every agent stays up until the end; all are removed
 * afterwards by the instance label.
 */
import { FIXTURE_CONFIG_DIR } from '../test/support/control-plane';
import { BotHarness, textOf } from '../test/support/discord-bot-harness';
import { requireTestAgentImage } from '../test/support/docker';
import { createDockerClient } from '@sacp/docker';
import type { RecordedRequest } from '../test/support/discord-stand-in';
import { type BenchResult, mean, ms, onInterrupt, percentile, progressFor, ratio, round, runStandalone, sleep } from './report';

const N = Number(process.env.BENCH_DISCORD_COMMANDS ?? 20);
const TIMEOUT_MS = 30_000;

export async function run(): Promise<BenchResult> {
  const progress = progressFor('discord-command');
  await requireTestAgentImage(createDockerClient().api);
  const h = new BotHarness({ controlPlane: { configDir: FIXTURE_CONFIG_DIR }, gatewayEnv: { LOG_LEVEL: 'info', DISCORD_FOLLOW_MS: String(TIMEOUT_MS) } });
  const unhook = onInterrupt(() => h.stop());
  progress('starting the Discord stand-in, a control plane (database, nats-server, orchestrator) and the discord-gateway');
  try {
    await h.start();
    const standIn = h.standIn;

    const registryRunning = async (name: string, started: number): Promise<number> => {
      const deadline = started + TIMEOUT_MS;
      while (Date.now() < deadline) {
        const { rows } = await h.cp.pool.query<{ observed: string }>('select observed from agent_registry where name = $1', [name]);
        if (rows[0]?.observed === 'running') return Date.now();
        await sleep(10);
      }
      throw new Error(`${name} not running within ${TIMEOUT_MS} ms`);
    };
    const request = (pred: (r: RecordedRequest) => boolean) => standIn.waitForRequest(pred, TIMEOUT_MS);

    const message = { ack: [] as number[], reply: [] as number[], registry: [] as number[] };
    const slash = { ack: [] as number[], reply: [] as number[], registry: [] as number[] };
    const bus = { accepted: [] as number[], registry: [] as number[] };

    const viaMessage = async (k: number, record: boolean) => {
      const name = `bench-m-${k}`;
      const t0 = Date.now();
      const id = standIn.userMessage({ channel: 'control', user: 'alice', content: `!deploy sim ${name}` }).id as string;
      const ack = await request(
        (r) =>
          r.route === 'POST /channels/:channelId/messages' && (r.body as { message_reference?: { message_id?: string } })?.message_reference?.message_id === id && r.status === 200,
      );
      const replyId = (ack.responseBody as { id: string }).id;
      const registry = await registryRunning(name, t0);
      const running = await request(
        (r) => r.route === 'PATCH /channels/:channelId/messages/:messageId' && r.params.messageId === replyId && /is running/.test(textOf(r.body as never)),
      );
      if (!record) return;
      message.ack.push(ack.time - t0);
      message.reply.push(running.time - t0);
      message.registry.push(registry - t0);
    };
    const viaSlash = async (k: number, record: boolean) => {
      const name = `bench-s-${k}`;
      const t0 = Date.now();
      const i = standIn.slashCommand({ channel: 'control', user: 'alice', name: 'deploy', options: { template: 'sim', name } });
      const ack = await request((r) => r.route === 'POST /interactions/:interactionId/:token/callback' && r.params.interactionId === i.id);
      const registry = await registryRunning(name, t0);
      const running = await request(
        (r) => r.route === 'PATCH /webhooks/:webhookId/:token/messages/:messageId' && r.params.token === i.token && /is running/.test(textOf(r.body as never)),
      );
      if (!record) return;
      slash.ack.push(ack.time - t0);
      slash.reply.push(running.time - t0);
      slash.registry.push(registry - t0);
    };
    const viaBus = async (k: number, record: boolean) => {
      const name = `bench-b-${k}`;
      const t0 = Date.now();
      const reply = await h.cp.command('agent.deploy', { template: 'sim', name });
      if (!reply.ok) throw new Error(`deploy refused: ${reply.error.message}`);
      const accepted = Date.now();
      const registry = await registryRunning(name, t0);
      if (!record) return;
      bus.accepted.push(accepted - t0);
      bus.registry.push(registry - t0);
    };

    progress('one warm-up of each path (not counted)');
    await viaMessage(0, false);
    await viaSlash(0, false);
    await viaBus(0, false);
    for (let k = 1; k <= N; k++) {
      await viaMessage(k, true);
      await viaBus(k, true);
      await viaSlash(k, true);
      if (k % 5 === 0) progress(`${k}/${N} rounds (message, bus, slash)`);
    }
    const running = (await h.cp.status()).filter((a) => a.state.observed === 'running').length;

    const stat = (v: number[]) => ({ p50: percentile(v, 50), p99: percentile(v, 99), mean: mean(v) });
    const s = {
      mAck: stat(message.ack),
      mReply: stat(message.reply),
      mReg: stat(message.registry),
      sAck: stat(slash.ack),
      sReply: stat(slash.reply),
      sReg: stat(slash.registry),
      bAcc: stat(bus.accepted),
      bReg: stat(bus.registry),
    };
    const row = (label: string, x: ReturnType<typeof stat>, base: ReturnType<typeof stat> | null) => [
      label,
      ms(x.p50),
      ms(x.p99),
      ms(x.mean),
      base ? ratio(x.p50, base.p50) : '—',
      base ? ratio(x.p99, base.p99) : '—',
    ];
    return {
      name: 'discord-command',
      tables: [
        {
          title: `Discord command → acknowledgement (n=${N} each, interleaved)`,
          headers: ['path', 'p50', 'p99', 'mean', 'p50 ratio', 'p99 ratio'],
          rows: [
            row('A: !deploy message → reply on Discord', s.mAck, s.bAcc),
            row('A: /deploy → deferral on Discord', s.sAck, s.bAcc),
            row('B: deploy on NATS → accepted (baseline)', s.bAcc, null),
          ],
          notes: ['ratio = A / B in the same run; the message reply is sent after the orchestrator accepted, the deferral before any bus round trip.'],
        },
        {
          title: `Discord command → container running (n=${N} each, interleaved)`,
          headers: ['path', 'p50', 'p99', 'mean', 'p50 ratio', 'p99 ratio'],
          rows: [
            row('A: !deploy message → reply edited "is running"', s.mReply, s.bReg),
            row('A: !deploy message → registry running', s.mReg, s.bReg),
            row('A: /deploy → response edited "is running"', s.sReply, s.bReg),
            row('A: /deploy → registry running', s.sReg, s.bReg),
            row('B: deploy on NATS → registry running (baseline)', s.bReg, null),
          ],
          notes: [
            "the bot follows the agent's events on the bus (agent.container_started), with its status polled every 250 ms as a fallback; the edit can land before the registry (a projection) shows running.",
            `p99 of ${N} samples is the nearest-rank value (≈ the maximum). sanity: ${running}/${3 * (N + 1)} agents running at the end.`,
          ],
        },
      ],
      summary: {
        commands: N,
        messageAckMs: { p50: round(s.mAck.p50), p99: round(s.mAck.p99) },
        slashAckMs: { p50: round(s.sAck.p50), p99: round(s.sAck.p99) },
        busAcceptedMs: { p50: round(s.bAcc.p50), p99: round(s.bAcc.p99) },
        messageRunningReplyMs: { p50: round(s.mReply.p50), p99: round(s.mReply.p99) },
        slashRunningReplyMs: { p50: round(s.sReply.p50), p99: round(s.sReply.p99) },
        busRunningMs: { p50: round(s.bReg.p50), p99: round(s.bReg.p99) },
        sanityRunning: running,
      },
      headline: [
        { measure: 'Discord !deploy → ack p50', subject: ms(s.mAck.p50), baseline: ms(s.bAcc.p50), ratio: ratio(s.mAck.p50, s.bAcc.p50) },
        { measure: 'Discord /deploy → ack p50', subject: ms(s.sAck.p50), baseline: ms(s.bAcc.p50), ratio: ratio(s.sAck.p50, s.bAcc.p50) },
        { measure: 'Discord !deploy → "is running" p50', subject: ms(s.mReply.p50), baseline: ms(s.bReg.p50), ratio: ratio(s.mReply.p50, s.bReg.p50) },
        { measure: 'Discord !deploy → "is running" p99', subject: ms(s.mReply.p99), baseline: ms(s.bReg.p99), ratio: ratio(s.mReply.p99, s.bReg.p99) },
      ],
    };
  } finally {
    progress('cleaning up: gateway, orchestrator, containers (instance label), nats-server, database, stand-in');
    await h.stop();
    unhook();
  }
}

if (require.main === module) runStandalone(run);
