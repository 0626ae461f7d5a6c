import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { statfs } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { percentOf, type HostResourceSample } from '@sacp/domain';
import { MonitorSettings } from '../monitor.settings';

interface CpuTimes {
  busy: number;
  total: number;
}

const cpuTimes = (): CpuTimes =>
  cpus().reduce(
    (acc, c) => {
      const total = c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
      return { busy: acc.busy + total - c.times.idle, total: acc.total + total };
    },
    { busy: 0, total: 0 },
  );

/** Host CPU (between two samples), memory, disk of one filesystem and load. */
@Injectable()
export class HostSampler {
  private prev: CpuTimes = cpuTimes();
  private readonly diskPath: string;

  constructor(settings: MonitorSettings) {
    this.diskPath = settings.diskPath;
  }

  async sample(at: string): Promise<HostResourceSample> {
    const now = cpuTimes();
    const busy = now.busy - this.prev.busy;
    const total = now.total - this.prev.total;
    this.prev = now;
    const fs = await statfs(this.diskPath);
    // as df: used = total - free; the share counts only what unprivileged users can get (bavail)
    const diskTotalBytes = fs.blocks * fs.bsize;
    const diskUsedBytes = (fs.blocks - fs.bfree) * fs.bsize;
    const diskUsable = diskUsedBytes + fs.bavail * fs.bsize;
    // os.freemem() is MemAvailable on Linux: page cache that can be dropped counts as free
    const memoryTotalBytes = totalmem();
    const memoryUsedBytes = memoryTotalBytes - freemem();
    const [l1, l5, l15] = loadavg();
    return {
      cpuPercent: percentOf(busy, total),
      cpuCount: cpus().length,
      memoryUsedBytes,
      memoryTotalBytes,
      memoryPercent: percentOf(memoryUsedBytes, memoryTotalBytes),
      diskPath: this.diskPath,
      diskUsedBytes,
      diskTotalBytes,
      diskPercent: percentOf(diskUsedBytes, diskUsable),
      load: [l1 ?? 0, l5 ?? 0, l15 ?? 0],
      at,
    };
  }
}
