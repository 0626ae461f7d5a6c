import { runService } from '@sacp/platform/nest';
import { apiModule } from './api.module';
import { loadConfig } from './config';

runService({ service: 'api', loadConfig, module: apiModule, port: (c) => c.API_HTTP_PORT, host: (c) => c.API_HOST });
