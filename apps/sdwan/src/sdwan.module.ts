import { Module } from '@nestjs/common';

/** The sdwan service's actions arrive over NATS through the ActionServer strategy; its one HTTP route is plain node:http. */
@Module({})
export class SdwanModule {}
