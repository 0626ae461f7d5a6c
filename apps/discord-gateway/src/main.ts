import { runService } from '@sacp/platform/nest';
import { loadConfig } from './config';
import { discordGatewayModule } from './discord-gateway.module';

runService({ service: 'discord-gateway', loadConfig, module: discordGatewayModule, port: (c) => c.DISCORD_GATEWAY_HTTP_PORT });
