import 'reflect-metadata';
import { runService } from '@powernode/service-kit';
import { startSdwan } from './sdwan-app.js';
import { loadSdwanConfig } from './config.js';

runService('sdwan', loadSdwanConfig, async (config, logger) => {
  const sdwan = await startSdwan(config, logger);
  logger.info({ bootstrap: sdwan.httpUrl }, 'sdwan ready');
  return sdwan;
});
