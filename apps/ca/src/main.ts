import 'reflect-metadata';
import { runService } from '@powernode/service-kit';
import { loadCaConfig } from './config.js';
import { startCa } from './ca-app.js';

runService('ca', loadCaConfig, async (config, logger) => {
  const ca = await startCa(config, logger);
  logger.info({ adapter: ca.adapter.adapterName, crl: `${ca.httpUrl}/crl.pem` }, 'ca ready');
  return ca;
});
