import { runService } from '@sacp/platform';
import { loadConfig } from './config';
import { orchestratorModule } from './orchestrator.module';

runService({ service: 'orchestrator', loadConfig, module: orchestratorModule, port: (c) => c.ORCHESTRATOR_HTTP_PORT });
