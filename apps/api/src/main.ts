import { runService } from '@sacp/platform/nest';
import { apiModule } from './api.module';
import { configureHttp } from './http/configure-http';
import { loadConfig } from './config';

runService({ service: 'api', loadConfig, module: apiModule, port: (c) => c.API_HTTP_PORT, host: (c) => c.API_HOST, configure: configureHttp });
