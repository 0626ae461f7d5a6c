import { Injectable } from '@nestjs/common';
import { FleetView } from '../fleet/fleet-view';

/**
 * Which alerts are open, and how many events each alert's stream holds, from the
 * recorded alert.raised / alert.resolved events. The stream version makes the command
 * id of the next raise or resolve: a retry, a second replica or a restarted monitor
 * deciding on the same recorded state sends the same id, and a later episode a new one.
 */
@Injectable()
export class OpenAlerts {
  private readonly alerts = new Map<string, { open: boolean; version: number }>();

  constructor(fleet: FleetView) {
    fleet.onChange(({ event }) => {
      if (event.type !== 'alert.raised' && event.type !== 'alert.resolved') return;
      const key = (event.data as { key: string }).key;
      const known = this.alerts.get(key);
      if (known && known.version >= event.streamPosition) return;
      this.alerts.set(key, { open: event.type === 'alert.raised', version: event.streamPosition });
    });
  }

  isOpen(key: string): boolean {
    return this.alerts.get(key)?.open ?? false;
  }

  version(key: string): number {
    return this.alerts.get(key)?.version ?? 0;
  }

  openKeys(prefix: string): string[] {
    return [...this.alerts].filter(([k, a]) => a.open && k.startsWith(prefix)).map(([k]) => k);
  }
}
