export { DockerModule, type DockerModuleOptions } from './docker.module';
