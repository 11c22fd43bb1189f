import { Module } from '@nestjs/common';

/** The docker-proxy's actions arrive over NATS through the ActionServer strategy. */
@Module({})
export class DockerProxyModule {}
