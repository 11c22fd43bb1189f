import 'reflect-metadata';
import { runService } from '@powernode/service-kit';
import { startCatalog } from './catalog-app.js';
import { loadCatalogConfig } from './config.js';

runService('catalog', loadCatalogConfig, async (config, logger) => {
  const catalog = await startCatalog(config, logger);
  logger.info('catalog ready');
  return catalog;
});
