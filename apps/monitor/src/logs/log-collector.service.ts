import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/nats-core';
import { Labels } from '@sacp/domain';
import { DockerDriver, type ContainerBrief, type LogLine } from '@sacp/docker';
import { AgentLogRepository, type AgentLogRow, type LogCursor, type LogStreamName } from '@sacp/event-store';
import { Subjects, type LiveLogLine } from '@sacp/events';
import { JsonLogger } from '@sacp/platform';
import { NATS } from '@sacp/platform/nest';
import { FleetView } from '../fleet/fleet-view';
import { MonitorLeader } from '../monitor-leader';
import { MonitorSettings } from '../monitor.settings';
import { ResumeFilter, storable } from './line-keys';
import { LogQueue } from './log-queue';

/** How far before the earliest cursor a read starts again: stdout and stderr may be stamped out of file order by this much at most (a hair in practice). */
const RESUME_OVERLAP_MS = 1000;
/** How long a batch waits to fill before it is stored. */
const FLUSH_WAIT_MS = 100;

type Position = Partial<Record<LogStreamName, LogCursor>>;

/**
 * Collects every managed container's output into Postgres (agent_log_lines) as it is
 * written, and publishes each stored line on `sacp.agentlogs.<agentId>`.
 *
 * It runs on the monitor's elected replica: the monitor already watches every managed
 * container on the Docker host and holds a lease that stops a frozen replica, and the
 * orchestrator's leader has the reconcile loop and the relay to keep on time (a log
 * burst must never delay a deploy). One collector per store, so lines are read once.
 *
 * Per container, a follower streams `docker logs --follow --timestamps` from the
 * stored cursor (ResumeFilter: Docker's timestamp and a tie-break per stream); lines go
 * through a bounded queue (backpressure pauses the Docker stream) to batches stored
 * with their cursors in one transaction. Killed at any moment, the next leader reads
 * from the cursors: nothing lost, nothing stored twice (the line's key is unique, too).
 */
@Injectable()
export class LogCollector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly followers = new Map<string, AbortController>();
  /** how far each container has been read (queued) in this term of leadership */
  private readonly positions = new Map<string, Position>();
  /** stopped containers read to their end in this term */
  private readonly drained = new Set<string>();
  private readonly queue: LogQueue;
  private readonly stopping = new AbortController();
  private term = 0;
  private active = false;
  private storeId: string | null = null;
  private wake: (() => void) | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly docker: DockerDriver,
    private readonly repo: AgentLogRepository,
    private readonly leader: MonitorLeader,
    private readonly fleet: FleetView,
    private readonly settings: MonitorSettings,
    @Inject(NATS) private readonly nc: NatsConnection,
    private readonly log: JsonLogger,
  ) {
    this.queue = new LogQueue(settings.logs.queueLines, settings.logs.queueBytes);
  }

  onApplicationBootstrap(): void {
    if (!this.settings.logs.collect) return;
    void this.fleet.caughtUp.then(() => {
      if (this.stopping.signal.aborted) return;
      void this.discoverLoop();
      void this.watchDocker();
      this.flushing = this.flushLoop();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    for (const f of this.followers.values()) f.abort();
    await this.flushing;
  }

  /** Lines waiting to be stored (the bench and tests read it). */
  get queued(): number {
    return this.queue.length;
  }

  private async discoverLoop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.discover();
      } catch (err) {
        this.log.warn('log collection: listing containers failed', { error: err });
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.settings.logs.discoverMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** One pass: follow every managed container not followed yet, unless it is stopped and was read to its end. */
  async discover(): Promise<void> {
    if (!this.leader.isLeader) return this.standDown();
    this.active = true;
    this.storeId ??= await this.repo.storeId();
    const listed = await this.docker.listBriefByLabels({ [Labels.managed]: 'true', [Labels.instance]: this.settings.instance, [Labels.store]: this.storeId });
    const present = new Set(listed.map((c) => c.id));
    for (const id of this.drained) if (!present.has(id)) this.drained.delete(id);
    for (const id of this.positions.keys()) if (!present.has(id) && !this.followers.has(id)) this.positions.delete(id);
    for (const c of listed) {
      if (this.followers.has(c.id) || (!c.running && this.drained.has(c.id)) || !c.labels[Labels.agentId]) continue;
      void this.follow(c, this.term);
    }
  }

  /** Leadership lost: stop reading and forget what was not stored; the next leader reads it from the cursors. */
  private standDown(): void {
    if (!this.active) return;
    this.active = false;
    this.term++;
    for (const f of this.followers.values()) f.abort();
    this.followers.clear();
    this.positions.clear();
    this.drained.clear();
    this.queue.clear();
    this.log.info('log collection stopped: not the elected monitor');
  }

  private async follow(c: ContainerBrief, term: number): Promise<void> {
    const abort = new AbortController();
    this.followers.set(c.id, abort);
    const agentId = c.labels[Labels.agentId]!;
    const agentName = c.labels[Labels.agentName] ?? agentId;
    const team = c.labels['sacp.team'] ?? null; // set by teams (a later part of issue 11)
    try {
      let position = this.positions.get(c.id);
      if (!position) {
        const stored = await this.repo.cursors([c.id]);
        position = { stdout: stored.get(`${c.id}/stdout`), stderr: stored.get(`${c.id}/stderr`) };
        if (term !== this.term) return;
        this.positions.set(c.id, position);
      }
      const filter = new ResumeFilter(position);
      // nothing stored yet: from as far back as retention keeps (older lines would be pruned at once)
      const fallback = (BigInt(Date.now() - this.settings.logs.retention.maxAgeMs) * 1_000_000n).toString();
      const take = async (lines: AsyncIterable<LogLine>): Promise<boolean> => {
        for await (const l of lines) {
          const key = filter.accept(l.stream, l.ts);
          if (!key?.fresh) continue;
          const wait = this.queue.push({ ts: key.ts, containerId: c.id, stream: l.stream, seq: key.seq, agentId, agentName, team, line: storable(l.line, l.droppedBytes ?? 0) });
          if (wait) await wait;
          if (term !== this.term || abort.signal.aborted) return false;
        }
        return term === this.term && !abort.signal.aborted;
      };
      if (!(await take(this.docker.followLogs(c.id, { since: filter.since(RESUME_OVERLAP_MS, fallback), signal: abort.signal })))) return;
      // Docker may end a follow when the container stops, a moment before the last lines
      // reach its log file; and the stop's event may come before this follow ends, so no
      // later pass would look again. Read once more to the end (no follow) before calling
      // the container drained: the filter skips what was already taken.
      if (!(await take(this.docker.readLogs(c.id, { sinceNanos: filter.since(RESUME_OVERLAP_MS, fallback), signal: abort.signal })))) return;
      this.drained.add(c.id);
    } catch (err) {
      if (!abort.signal.aborted) this.log.warn('log collection: following a container failed; trying again at the next pass', { containerId: c.id, agentId, error: err });
    } finally {
      if (this.followers.get(c.id) === abort) this.followers.delete(c.id);
    }
  }

  /** Docker's start and die events: a container started or stopped again is read again at once (a hint; the pass finds it anyway). */
  private async watchDocker(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        for await (const e of this.docker.events({ filters: { type: ['container'], event: ['start', 'die'], label: [`${Labels.instance}=${this.settings.instance}`] }, signal })) {
          this.drained.delete(e.actorId);
          this.wake?.();
        }
      } catch (err) {
        this.log.warn('log collection: Docker event stream failed; reconnecting', { error: err });
      }
      if (!signal.aborted) await delay(1000);
    }
  }

  private async flushLoop(): Promise<void> {
    while (!this.stopping.signal.aborted || this.queue.length > 0) {
      await this.queue.waitForData(FLUSH_WAIT_MS);
      if (this.queue.length === 0) continue;
      const batch = this.queue.take(this.settings.logs.batchLines);
      await this.store(batch, this.term);
      if (this.stopping.signal.aborted && !this.leader.isLeader) break;
    }
  }

  /** Stores a batch, retrying while this replica leads; dropped when leadership is lost (the cursors were not moved). */
  private async store(batch: AgentLogRow[], term: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (term !== this.term || !this.leader.isLeader) return;
      try {
        await this.repo.store(batch);
        for (const r of batch) this.nc.publish(Subjects.agentLogs(r.agentId), JSON.stringify(toLive(r)));
        return;
      } catch (err) {
        // a data error (SQLSTATE class 22) would fail the batch forever: store line by line, dropping (and reporting) the ones Postgres refuses
        if ((err as { code?: string }).code?.startsWith('22') && batch.length > 1) return this.storeOneByOne(batch, term);
        if (attempt === 0 || attempt % 30 === 0) this.log.warn('log collection: storing lines failed; retrying', { lines: batch.length, error: err });
        if (this.stopping.signal.aborted && attempt >= 3) return;
        await delay(Math.min(100 * 2 ** attempt, 2000));
      }
    }
  }

  private async storeOneByOne(batch: AgentLogRow[], term: number): Promise<void> {
    for (const row of batch) {
      if (term !== this.term || !this.leader.isLeader) return;
      try {
        await this.repo.store([row]);
        this.nc.publish(Subjects.agentLogs(row.agentId), JSON.stringify(toLive(row)));
      } catch (err) {
        if (!(err as { code?: string }).code?.startsWith('22')) return this.store([row], term);
        this.log.warn('log collection: Postgres refused a line; it is skipped', { containerId: row.containerId, at: row.ts, error: err });
      }
    }
  }
}

const toLive = (r: AgentLogRow): LiveLogLine => ({
  at: r.ts,
  agentId: r.agentId,
  agentName: r.agentName,
  team: r.team,
  containerId: r.containerId,
  stream: r.stream,
  line: r.line,
});
