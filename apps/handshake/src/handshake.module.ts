import { Module } from '@nestjs/common';

/** The handshake's NATS side (internal actions) has no HTTP surface; agents use its own HTTPS server. */
@Module({})
export class HandshakeModule {}
