import { Module } from '@nestjs/common';

/** The catalog has no HTTP surface: its actions arrive over NATS through the ActionServer strategy. */
@Module({})
export class CatalogModule {}
