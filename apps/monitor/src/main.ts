import { runService } from '@sacp/platform';
import { loadConfig } from './config';
import { monitorModule } from './monitor.module';

runService({ service: 'monitor', loadConfig, module: monitorModule, port: (c) => c.MONITOR_HTTP_PORT });
