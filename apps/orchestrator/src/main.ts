import { busTransport } from '@sacp/bus/nest';
import { ORCHESTRATOR_QUEUE } from '@sacp/events';
import { runService } from '@sacp/platform/nest';
import { loadConfig } from './config';
import { orchestratorModule } from './orchestrator.module';

runService({
  service: 'orchestrator',
  loadConfig,
  module: orchestratorModule,
  port: (c) => c.ORCHESTRATOR_HTTP_PORT,
  // every replica serves commands and queries, once each in the queue group
  bus: (c, log) => busTransport('orchestrator', c, ORCHESTRATOR_QUEUE, log.write.bind(log)),
});
