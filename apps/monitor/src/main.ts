import { runService } from '../../../libs/platform/src/nest/run-service';
import { loadConfig } from './config';
import { monitorModule } from './monitor.module';

runService({ service: 'monitor', loadConfig, module: monitorModule, port: (c) => c.MONITOR_HTTP_PORT });
