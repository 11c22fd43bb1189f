import 'reflect-metadata';
import { runService } from '@powernode/service-kit';
import { loadHandshakeConfig } from './config.js';
import { startHandshake } from './handshake-app.js';

runService('handshake', loadHandshakeConfig, async (config, logger) => {
  const handshake = await startHandshake(config, logger);
  logger.info({ url: handshake.url }, 'handshake ready');
  return handshake;
});
