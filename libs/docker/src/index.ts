export { createDockerClient, pingDocker, DEFAULT_DOCKER_HOST, type DockerClient } from './docker-connection';
export { DockerDriver } from './docker.driver';
export type { ContainerBrief, CreatedContainer, LabelSelector } from './docker-containers';
export type { DockerEventsOptions } from './docker-events';
export type { FollowLogsOptions } from './docker-logs';
export { rfc3339Nanos, type NetworkSummary } from './docker-networks';
export type { VolumeInfo, VolumeSummary, VolumeUsage } from './docker-volumes';
export { toCreateOptions, LOG_MAX_FILES, LOG_MAX_SIZE, PUBLISH_HOST_IP } from './container-spec.to-create-options';
export type { ContainerHealth, ContainerState, ContainerSummary } from './container-summary';
export type { ContainerHealthDetail, ContainerStats } from './container-stats';
export type { DockerEvent } from './docker-event';
export { LogLineDecoder, MAX_LINE_CHARS, type LogLine, type LogStream } from './docker-log-lines';
export {
  DockerContainerNotFoundError,
  DockerError,
  DockerImageNotFoundError,
  DockerInvalidHostError,
  DockerInvalidSpecError,
  DockerOperationFailedError,
  DockerPermissionDeniedError,
  DockerUnavailableError,
  isDockerError,
  type DockerErrorCode,
} from './docker.errors';
