/*
 * Posts the monitor's alerts (alert.raised / alert.resolved on SACP_EVENTS) to Discord.
 *
 * Delivery: a durable JetStream consumer per instance (sacp-discord-alerts-<instance>),
 * explicit acks. An alert is acknowledged only after the Discord message that carries
 * it was accepted; until then it is held (its ack deadline kept alive with `working()`)
 * and the send is retried with back-off, so an outage of Discord delays alerts but
 * loses none. On stop, alerts not yet posted are handed back (nak) for the next poster.
 *
 * A destination that answers 403 or 404 (channel deleted, access or permission taken
 * away, webhook deleted) will not take this alert however often it is sent: it is
 * logged (what to fix), counted, acknowledged and skipped, so it never holds back the
 * alerts after it. So is a message Discord refuses even in its plain-text form (400).
 *
 * Everything in an alert comes from agents and their containers (names, causes,
 * messages, log lines): it goes through ../text/inert, so it cannot format, link or ping.
 *
 * Shape: alerts arriving within `burstWindowMs` of the first are taken together. Up to
 * `burstThreshold` of them are posted one embed each (packed into as few messages as
 * Discord's limits allow); more than that become one summary message.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { DiscordAPIError, type APIEmbed } from 'discord.js';
import { ensureEventStream } from '@sacp/bus';
import { type StoredEvent, type AlertRaisedDataV1, type AlertResolvedDataV1, EVENT_STREAM, Subjects } from '@sacp/events';
import type { JsonLogger } from '@sacp/platform';
import { inert, inertCode, inertLine, inertWord } from '../text/inert';
import type { AlertMessage, AlertSink } from './alert-sinks';

export type { AlertMessage, AlertSink } from './alert-sinks';

export const ALERT_RAISED_SUBJECT = Subjects.event('alert.raised');
export const ALERT_RESOLVED_SUBJECT = Subjects.event('alert.resolved');
/**
 * The consumer's filter. nats-server 2.9 (what runs here) has no multi-subject
 * filters, so the durable filters on sacp.evt.alert.* and anything but raised/resolved
 * is acknowledged and skipped.
 */
const ALERT_FILTER = Subjects.event('alert.*');

export const alertConsumerName = (instance: string) => `sacp-discord-alerts-${instance.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export interface AlertPosterOptions {
  nc: NatsConnection;
  log: JsonLogger;
  /** SACP_INSTANCE: part of the durable consumer name */
  instance: string;
  sink: AlertSink;
  /** alerts arriving within this many ms of the first are considered together (default 2000) */
  burstWindowMs?: number;
  /** more alerts than this in one window become one summary message (default 5) */
  burstThreshold?: number;
  /** only when the durable consumer is first created: 'new' (default) skips alerts already in the stream */
  startFrom?: 'new' | 'all';
  /** a role pinged by messages that carry a critical alert being raised (e.g. the on-call role); nobody is pinged otherwise */
  mentionRoleId?: string | null;
  /** first retry delay after a failed send (default 1000 ms), doubled up to retryMaxMs (default 30000 ms) */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

// --- Discord limits ------------------------------------------------------------------
const LIMIT = { content: 2000, embeds: 10, title: 256, description: 4096, fieldValue: 1024, footer: 2048, total: 6000 } as const;
/** what one message's embeds may add up to here (a little under Discord's 6000) */
const MESSAGE_BUDGET = 5800;

const ACK_WAIT_MS = 60_000;
/** how long stop() waits for the server to confirm the consumer's inbox is closed and its naks are in */
const FLUSH_TIMEOUT_MS = 5000;
const MAX_ACK_PENDING = 1000;
const SUMMARY_AGENTS = 10;
const SUMMARY_CAUSES = 8;

const SEVERITY = {
  critical: { emoji: '🔴', colour: 0xe74c3c, rank: 3 },
  warning: { emoji: '🟠', colour: 0xe67e22, rank: 2 },
  info: { emoji: '🔵', colour: 0x3498db, rank: 1 },
} as const;
type Severity = keyof typeof SEVERITY;
const RESOLVED_COLOUR = 0x2ecc71;

/** An alert event as the poster reads it. */
export type AlertItem =
  | { kind: 'raised'; seq: number; at: string | null; data: AlertRaisedDataV1 }
  | { kind: 'resolved'; seq: number; at: string | null; data: AlertResolvedDataV1; agentName: string | null };

interface Held {
  msg: JsMsg;
  arrivedAt: number;
}

/** One Discord message and the alerts (stream sequences) it carries. */
export interface AlertPost {
  message: AlertMessage;
  seqs: number[];
  alerts: number;
  fallback: boolean;
}

export class AlertPoster {
  private readonly log: JsonLogger;
  private readonly windowMs: number;
  private readonly threshold: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly durable: string;

  /** every alert message received and not yet acknowledged, by stream sequence */
  private readonly held = new Map<number, Held>();
  /** stream sequences waiting to be taken into a batch, in arrival order */
  private queue: number[] = [];
  /** stream sequences already posted (a redelivery of one is only acknowledged) */
  private readonly postedSeqs = new Set<number>();
  /** agent names seen on raised alerts, for resolved ones (which carry only the id) */
  private readonly names = new Map<string, string>();

  private messages: ConsumerMessages | null = null;
  private reader: Promise<void> | null = null;
  private worker: Promise<void> | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private stopping = false;
  private stopped!: () => void;
  private readonly stopSignal = new Promise<void>((r) => (this.stopped = r));
  private wake: (() => void) | null = null;
  private sent = 0;
  private undeliverable = 0;

  constructor(private readonly opts: AlertPosterOptions) {
    this.log = opts.log;
    this.windowMs = opts.burstWindowMs ?? 2000;
    this.threshold = opts.burstThreshold ?? 5;
    this.retryInitialMs = opts.retryInitialMs ?? 1000;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.durable = alertConsumerName(opts.instance);
  }

  /** Discord messages sent so far. */
  get posted(): number {
    return this.sent;
  }

  /** alerts dropped because the destination refused them for good (403, 404, or a body refused twice) */
  get dropped(): number {
    return this.undeliverable;
  }

  get consumerName(): string {
    return this.durable;
  }

  /** Creates the stream and durable consumer if missing, then posts until stop(). A stopped poster is not started again: make a new one. */
  async start(): Promise<void> {
    if (this.stopping) throw new Error('AlertPoster was stopped; create a new one');
    if (this.messages) return;
    const nc = this.opts.nc;
    await ensureEventStream(nc);
    const jsm = await jetstreamManager(nc);
    let exists = true;
    try {
      await jsm.consumers.info(EVENT_STREAM, this.durable);
    } catch {
      exists = false;
    }
    if (!exists) {
      const from = this.opts.startFrom ?? 'new';
      await jsm.consumers.add(EVENT_STREAM, {
        durable_name: this.durable,
        description: 'Discord gateway: monitor alerts posted to Discord',
        ack_policy: AckPolicy.Explicit,
        deliver_policy: from === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
        filter_subject: ALERT_FILTER,
        ack_wait: nanos(ACK_WAIT_MS),
        max_ack_pending: MAX_ACK_PENDING,
        max_deliver: -1,
      });
      this.log.info('alert consumer created', { consumer: this.durable, startFrom: from });
    }
    const consumer = await jetstream(nc).consumers.get(EVENT_STREAM, this.durable);
    this.messages = await consumer.consume({ max_messages: 200 });
    this.reader = this.read(this.messages);
    this.worker = this.work();
    this.keepAlive = setInterval(() => {
      for (const h of this.held.values()) h.msg.working();
    }, ACK_WAIT_MS / 3);
    this.keepAlive.unref();
    this.log.info('alert poster started', { consumer: this.durable, burstWindowMs: this.windowMs, burstThreshold: this.threshold });
  }

  /** Stops taking alerts, finishes a send in flight, and hands back (nak) whatever was not posted. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopped();
    this.wake?.();
    try {
      await this.messages?.close();
    } catch (err) {
      this.log.warn('closing the alert consumer failed', { consumer: this.durable, error: err });
    }
    // close() only queues an UNSUB for the consumer's inbox; the server keeps the pull
    // request it holds for this poster until it has read that UNSUB. An alert published
    // meanwhile (on another connection, e.g. right after stop() returned) would be
    // delivered to an inbox nobody reads and sit unacknowledged for ack_wait (60 s)
    // before anyone else gets it. A flush is a round trip: once it is back the server has
    // dropped our subscription, so from then on new alerts wait for the next poster.
    await this.flush();
    await this.reader;
    await this.worker;
    if (this.keepAlive) clearInterval(this.keepAlive);
    const unposted = this.held.size;
    for (const h of this.held.values()) h.msg.nak();
    this.held.clear();
    this.queue = [];
    // the naks reach the server before stop() returns, so a next poster gets them at once
    if (unposted > 0) await this.flush();
    this.log.info('alert poster stopped', { consumer: this.durable, handedBack: unposted, posted: this.sent });
  }

  // --- receiving ---------------------------------------------------------------------

  private async read(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const m of messages) {
        if (this.stopping) {
          m.nak();
          continue;
        }
        if (this.postedSeqs.has(m.seq)) {
          m.ack(); // posted before, the acknowledgement was lost
          continue;
        }
        const known = this.held.get(m.seq);
        if (known) {
          known.msg = m; // a redelivery of one we hold: answer the newest delivery
          continue;
        }
        this.held.set(m.seq, { msg: m, arrivedAt: Date.now() });
        this.queue.push(m.seq);
        this.wake?.();
      }
    } catch (err) {
      if (!this.stopping) this.log.error('the alert consumer stopped unexpectedly', { consumer: this.durable, error: err });
    }
  }

  // --- posting -----------------------------------------------------------------------

  private async work(): Promise<void> {
    while (!this.stopping) {
      if (this.queue.length === 0) {
        await new Promise<void>((r) => (this.wake = r));
        this.wake = null;
        continue;
      }
      const first = this.held.get(this.queue[0]!);
      const waitMs = first ? first.arrivedAt + this.windowMs - Date.now() : 0;
      if (waitMs > 0) await this.sleep(waitMs);
      if (this.stopping) break;
      const seqs = this.queue.splice(0, MAX_ACK_PENDING);
      try {
        await this.postBatch(seqs);
      } catch (err) {
        // never expected: formatting is total. Hand the batch back rather than lose it.
        this.log.error('could not post a batch of alerts', { consumer: this.durable, error: err });
        this.queue.unshift(...seqs.filter((s) => this.held.has(s)));
        await this.sleep(this.retryMaxMs);
      }
    }
  }

  private async postBatch(seqs: number[]): Promise<void> {
    const alerts: AlertItem[] = [];
    const skipped: number[] = [];
    for (const seq of seqs) {
      const h = this.held.get(seq);
      if (!h) continue;
      const item = this.readAlert(h.msg);
      if (item) alerts.push(item);
      else skipped.push(seq);
    }
    if (skipped.length) await this.ack(skipped);
    if (alerts.length === 0) return;

    const posts = mentionOnCall(composePosts(alerts, this.threshold), alerts, this.opts.mentionRoleId ?? null);
    for (let i = 0; i < posts.length; i++) {
      const ok = await this.deliver(posts[i]!);
      if (!ok) {
        // stopping: what is left goes back with the rest of `held`
        return;
      }
    }
  }

  private readAlert(m: JsMsg): AlertItem | null {
    let ev: StoredEvent;
    try {
      ev = m.json<StoredEvent>();
    } catch (err) {
      this.log.error('an alert message is not JSON; skipped', { consumer: this.durable, seq: m.seq, subject: m.subject, error: err });
      return null;
    }
    const at = validTime(ev?.metadata?.occurredAt) ?? validTime(ev?.recordedAt);
    const d = (ev?.data ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    if (ev?.type === 'alert.raised') {
      const sev = str(d.severity);
      const data: AlertRaisedDataV1 = {
        key: str(d.key) ?? '?',
        severity: sev === 'info' || sev === 'warning' || sev === 'critical' ? sev : 'critical',
        agentId: str(d.agentId),
        agentName: str(d.agentName),
        cause: str(d.cause) ?? 'unknown',
        message: str(d.message) ?? '',
        lastLogLines: Array.isArray(d.lastLogLines) ? d.lastLogLines.map((l) => String(l)) : [],
      };
      if (data.agentName) {
        remember(this.names, `key:${data.key}`, data.agentName);
        if (data.agentId) remember(this.names, `id:${data.agentId}`, data.agentName);
      }
      return { kind: 'raised', seq: m.seq, at, data };
    }
    if (ev?.type === 'alert.resolved') {
      const data: AlertResolvedDataV1 = { key: str(d.key) ?? '?', agentId: str(d.agentId), message: str(d.message) ?? '' };
      const agentName = this.names.get(`key:${data.key}`) ?? (data.agentId ? this.names.get(`id:${data.agentId}`) : undefined) ?? null;
      return { kind: 'resolved', seq: m.seq, at, data, agentName };
    }
    return null;
  }

  /** Sends one post until Discord accepts it; false when the poster stopped first. */
  private async deliver(post: AlertPost): Promise<boolean> {
    let attempt = 0;
    for (;;) {
      try {
        await this.opts.sink.send(post.message);
        break;
      } catch (err) {
        attempt++;
        const status = err instanceof DiscordAPIError ? err.status : undefined;
        const code = err instanceof DiscordAPIError ? err.code : undefined;
        if (status === 400 && !post.fallback) {
          // Discord refused the body: say it in plain words instead (always valid)
          this.log.error('Discord refused an alert message; sending a plain-text version', { consumer: this.durable, alerts: post.alerts, status, code, error: err });
          post = { ...post, message: plainFallback(post), fallback: true };
          continue;
        }
        if (status === 403 || status === 404 || status === 400) {
          // retrying cannot help: report it, drop these alerts, go on with the next ones
          this.undeliverable += post.alerts;
          this.log.error(`alerts dropped: ${refusalNote(status, code)}`, {
            consumer: this.durable,
            alerts: post.alerts,
            seqs: post.seqs,
            status,
            code,
            discordMessage: err instanceof Error ? err.message : String(err),
            droppedSoFar: this.undeliverable,
          });
          await this.ack(post.seqs);
          return true;
        }
        if (this.stopping) {
          this.log.warn('could not post alerts to Discord; handed back on stop', { consumer: this.durable, alerts: post.alerts, attempt, status, code, error: err });
          return false;
        }
        const retryInMs = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(attempt - 1, 20));
        this.log.warn('could not post alerts to Discord; will retry', { consumer: this.durable, alerts: post.alerts, attempt, retryInMs, status, code, error: err });
        await this.sleep(retryInMs);
        if (this.stopping) return false;
      }
    }
    this.sent++;
    await this.ack(post.seqs);
    return true;
  }

  private async ack(seqs: number[]): Promise<void> {
    await Promise.all(
      seqs.map(async (seq) => {
        const h = this.held.get(seq);
        this.held.delete(seq);
        remember(this.postedSeqs, seq);
        if (!h) return;
        try {
          await h.msg.ackAck();
        } catch (err) {
          // the alert is posted; a redelivery of it will only be acknowledged
          this.log.warn('could not acknowledge a posted alert', { consumer: this.durable, seq, error: err });
        }
      }),
    );
  }

  /**
   * Waits until the server has processed everything sent so far on the connection; at
   * most FLUSH_TIMEOUT_MS, so a bus outage cannot hold up a shutdown (a flush waits for
   * a reconnect).
   */
  private async flush(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.opts.nc.flush(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from the bus within ${FLUSH_TIMEOUT_MS} ms`)), FLUSH_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      // connection gone or down: its subscription and pull requests end with it on the
      // server, and alerts not acknowledged come back after ack_wait
      this.log.warn('could not flush the bus connection while stopping', { consumer: this.durable, error: err });
    } finally {
      clearTimeout(timer);
    }
  }

  private sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), this.stopSignal]).finally(() => clearTimeout(timer));
  }
}

// --- formatting ------------------------------------------------------------------------

/** The Discord messages for one window of alerts (pure; exported for tests). */
export function composePosts(alerts: AlertItem[], burstThreshold: number): AlertPost[] {
  if (alerts.length > burstThreshold) {
    return [{ message: { embeds: [summaryEmbed(alerts)], allowedMentions: { parse: [] } }, seqs: alerts.map((a) => a.seq), alerts: alerts.length, fallback: false }];
  }
  const posts: AlertPost[] = [];
  let current: { embeds: APIEmbed[]; seqs: number[]; size: number } | null = null;
  for (const a of alerts) {
    const e = alertEmbed(a);
    const size = embedSize(e);
    if (!current || current.embeds.length >= LIMIT.embeds || current.size + size > MESSAGE_BUDGET) {
      current = { embeds: [], seqs: [], size: 0 };
      posts.push({ message: { embeds: current.embeds, allowedMentions: { parse: [] } }, seqs: current.seqs, alerts: 0, fallback: false });
    }
    current.embeds.push(e);
    current.seqs.push(a.seq);
    current.size += size;
    posts[posts.length - 1]!.alerts++;
  }
  return posts;
}

/**
 * Pings the on-call role on the messages that carry a critical alert being raised,
 * and on nothing else (resolutions and warnings stay quiet).
 */
export function mentionOnCall(posts: AlertPost[], alerts: AlertItem[], roleId: string | null): AlertPost[] {
  if (!roleId) return posts;
  const critical = new Set(alerts.filter((a) => a.kind === 'raised' && a.data.severity === 'critical').map((a) => a.seq));
  return posts.map((p) => {
    const n = p.seqs.filter((s) => critical.has(s)).length;
    if (!n) return p;
    return { ...p, message: { ...p.message, content: `<@&${roleId}> ${n} critical alert${n === 1 ? '' : 's'}`, allowedMentions: { parse: [], roles: [roleId] } } };
  });
}

/** One alert as an embed: at most about 3500 characters, whatever the alert holds. */
export function alertEmbed(a: AlertItem): APIEmbed {
  if (a.kind === 'resolved') {
    const who = a.agentName ?? (a.data.agentId ? `agent ${a.data.agentId.slice(0, 8)}` : a.data.key);
    const e: APIEmbed = {
      title: clip(`✅ resolved: ${inertLine(clip(who, 100))} — ${inertLine(clip(a.data.message || a.data.key, 200))}`, LIMIT.title),
      description: clip(a.data.message ? inert(clip(a.data.message, 1200)) : 'The condition behind this alert is over.', 1500),
      color: RESOLVED_COLOUR,
      footer: { text: clip(a.data.key, 200) },
    };
    if (a.at) e.timestamp = a.at;
    return e;
  }
  const d = a.data;
  const sev = SEVERITY[d.severity] ?? SEVERITY.critical;
  const who = agentLabel(d.agentName, d.agentId);
  const e: APIEmbed = {
    title: clip(`${sev.emoji} ${d.severity}: ${inertLine(clip(who, 100))} — ${inertWord(clip(d.cause, 120))}`, LIMIT.title),
    description: clip(inert(clip(d.message || d.cause, 1600)), 2000),
    color: sev.colour,
    footer: { text: clip(d.key, 200) },
  };
  const logs = logBlock(d.lastLogLines, LIMIT.fieldValue);
  if (logs) e.fields = [{ name: 'Last log lines', value: logs }];
  if (a.at) e.timestamp = a.at;
  return e;
}

/** One embed for a burst: counts by severity and cause, raised vs resolved, the first agents. */
export function summaryEmbed(alerts: AlertItem[]): APIEmbed {
  const raised = alerts.filter((a): a is Extract<AlertItem, { kind: 'raised' }> => a.kind === 'raised');
  const resolved = alerts.length - raised.length;
  const bySeverity = countBy(raised.map((a) => a.data.severity));
  const byCause = countBy(raised.map((a) => a.data.cause));
  const agents: string[] = [];
  const seen = new Set<string>();
  for (const a of alerts) {
    const name = a.kind === 'raised' ? agentLabel(a.data.agentName, a.data.agentId) : (a.agentName ?? (a.data.agentId ? `agent ${a.data.agentId.slice(0, 8)}` : a.data.key));
    if (!seen.has(name)) {
      seen.add(name);
      agents.push(name);
    }
  }
  const worst = raised.reduce<Severity | null>((w, a) => {
    const s = a.data.severity;
    return !w || (SEVERITY[s]?.rank ?? 0) > SEVERITY[w].rank ? s : w;
  }, null);

  const lines: string[] = [];
  lines.push(`**${alerts.length} alerts** arrived together: ${raised.length} raised, ${resolved} resolved. Too many to post one by one, so here is a summary.`);
  if (raised.length) {
    const sev = (['critical', 'warning', 'info'] as const).filter((s) => bySeverity.get(s)).map((s) => `${SEVERITY[s].emoji} ${bySeverity.get(s)} ${s}`);
    lines.push(`**Severity:** ${sev.join(' · ')}`);
    const causes = [...byCause.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    const shown = causes.slice(0, SUMMARY_CAUSES).map(([c, n]) => `${inertWord(clip(c, 60))} ×${n}`);
    if (causes.length > SUMMARY_CAUSES) shown.push(`…and ${causes.length - SUMMARY_CAUSES} more causes`);
    lines.push(`**Causes:** ${shown.join(' · ')}`);
  }
  if (resolved) lines.push(`**Resolved:** ${resolved}`);
  const names = agents.slice(0, SUMMARY_AGENTS).map((n) => inertLine(clip(n, 60)));
  const more = agents.length - names.length;
  lines.push(`**Agents (${agents.length}):** ${names.join(', ')}${more > 0 ? ` …and ${more} more` : ''}`);

  const times = alerts
    .map((a) => a.at)
    .filter((t): t is string => !!t)
    .sort();
  const e: APIEmbed = {
    title: clip(`🚨 ${alerts.length} alerts: ${raised.length} raised, ${resolved} resolved`, LIMIT.title),
    description: clip(lines.join('\n'), LIMIT.description),
    color: worst ? SEVERITY[worst].colour : RESOLVED_COLOUR,
  };
  if (times.length) e.timestamp = times[times.length - 1]!;
  return e;
}

/** A plain-text stand-in for a post Discord refused: short, no embeds, always valid. */
function plainFallback(post: AlertPost): AlertMessage {
  const titles = (post.message.embeds ?? []).map((e) => `• ${e.title ?? ''}`);
  const head = `⚠️ ${post.alerts} alert${post.alerts === 1 ? '' : 's'} (the full message was refused by Discord):`;
  return { content: clip([head, ...titles].join('\n'), 1900), allowedMentions: { parse: [] } };
}

/** What a refusal that retrying cannot fix means, and what to do about it. */
function refusalNote(status: number, code: number | string | undefined): string {
  if (code === 10003) return 'the alert channel does not exist (deleted?): set DISCORD_ALERT_CHANNEL_ID to a channel the bot can post in';
  if (code === 10015) return 'the alert webhook does not exist (deleted?): set DISCORD_ALERT_WEBHOOK_URL to a current one';
  if (status === 403) return 'the bot may not post in the alert channel: give it View Channel, Send Messages and Embed Links there, or change DISCORD_ALERT_CHANNEL_ID';
  if (status === 404) return 'the alert destination is not found (channel or webhook deleted): fix DISCORD_ALERT_CHANNEL_ID or DISCORD_ALERT_WEBHOOK_URL';
  return 'Discord refused the alert message even in plain text';
}

function agentLabel(name: string | null, id: string | null): string {
  return name ?? (id ? `agent ${id.slice(0, 8)}` : 'control plane');
}

/** The last lines that fit in a code block of at most `max` characters. */
function logBlock(lines: string[], max: number): string | null {
  if (!lines.length) return null;
  const fence = (s: string) => '```\n' + s + '\n```';
  const clean = lines.map((l) => clip(inertCode(clip(l, 300)), 300));
  const kept: string[] = [];
  let size = fence('').length;
  for (let i = clean.length - 1; i >= 0; i--) {
    const add = clean[i]!.length + (kept.length ? 1 : 0);
    const omittedNote = i > 0 ? `… ${i} earlier line${i === 1 ? '' : 's'}\n`.length : 0;
    if (size + add + omittedNote > max) break;
    kept.unshift(clean[i]!);
    size += add;
  }
  const omitted = clean.length - kept.length;
  if (kept.length === 0) return fence(clip(clean[clean.length - 1]!, max - fence('').length));
  return fence((omitted ? `… ${omitted} earlier line${omitted === 1 ? '' : 's'}\n` : '') + kept.join('\n'));
}

function embedSize(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** At most `max` UTF-16 units (so at most `max` characters however Discord counts), ending in … when cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = s.slice(0, Math.max(0, max - 1));
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out + '…';
}

function validTime(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function countBy(values: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/** Adds to a bounded Set or Map, forgetting the oldest entries. */
function remember<K, V>(store: Set<K> | Map<K, V>, key: K, value?: V, max = 10_000): void {
  if (store instanceof Map) {
    store.delete(key);
    store.set(key, value as V);
  } else store.add(key);
  while (store.size > max) {
    const oldest = store.keys().next().value as K;
    store.delete(oldest);
  }
}
