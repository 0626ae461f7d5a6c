import { Controller, Get, Header } from '@nestjs/common';
import { metricsRegistry } from '../metrics';

/**
 * Prometheus's scrape endpoint (GET /metrics): the process's registry in the text
 * exposition format. Every service serves the same metric names (see ../metrics.ts).
 */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
