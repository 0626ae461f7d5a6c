import { busTransport } from '@sacp/bus/nest';
import { runService } from '@sacp/platform/nest';
import { loadConfig } from './config';
import { monitorModule } from './monitor.module';
import { MONITOR_QUEUE } from './resources/metrics.subjects';

runService({
  service: 'monitor',
  loadConfig,
  module: monitorModule,
  port: (c) => c.MONITOR_HTTP_PORT,
  // every replica answers metrics queries, once each in the queue group
  bus: (c, log) => busTransport('monitor', c, MONITOR_QUEUE, log.write.bind(log)),
});
