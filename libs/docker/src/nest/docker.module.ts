import { Module, type DynamicModule } from '@nestjs/common';
import { DockerDriver } from '../docker.driver';

export interface DockerModuleOptions {
  /** a DOCKER_HOST-style endpoint (unix:///var/run/docker.sock, tcp://host:2375), as the service's config read it; Docker's default when absent */
  host?: string;
}

/**
 * The Docker driver as a Nest provider, for the services that drive containers
 * (orchestrator) or watch them (monitor). The driver itself knows nothing of Nest.
 */
@Module({})
export class DockerModule {
  static forRoot(options: DockerModuleOptions = {}): DynamicModule {
    return {
      module: DockerModule,
      providers: [{ provide: DockerDriver, useFactory: () => DockerDriver.connect(options.host) }],
      exports: [DockerDriver],
    };
  }
}
