import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { dirname, resolve } from 'node:path';
import { DashboardFiles } from './dashboard-files';
import { DashboardMiddleware } from './dashboard.middleware';

export interface WebModuleOptions {
  /** the built dashboard; default `web/` beside the entry point (`node dist/apps/api/main.js` → dist/apps/api/web) */
  dir?: string;
}

/** dist/apps/api/web when the api runs as `node dist/apps/api/main.js`, where `npm run build` writes it */
export const defaultWebDir = (): string => resolve(dirname(process.argv[1] ?? '.'), 'web');

/**
 * The web dashboard at `/` (sources in apps/api/web, built by `npm run build`), with its
 * strict Content-Security-Policy; /api, /health and /metrics stay Nest's.
 */
@Module({})
export class WebModule implements NestModule {
  static forRoot(options: WebModuleOptions = {}): DynamicModule {
    return {
      module: WebModule,
      providers: [{ provide: DashboardFiles, useFactory: () => DashboardFiles.load(options.dir ?? defaultWebDir()) }, DashboardMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DashboardMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.GET }, { path: '{*path}', method: RequestMethod.HEAD });
  }
}
