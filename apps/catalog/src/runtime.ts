import type { Logger } from '@powernode/service-kit';
import { ServiceRuntime } from '@powernode/service-runtime';
import type { CatalogConfig } from './config.js';
import { instancesProjection } from './instance/instances.projection.js';
import { modulesProjection } from './module/modules.projection.js';
import { templatesProjection } from './template/templates.projection.js';

export const CATALOG_VERSION = '0.1.0';

export const catalogProjections = () => ({ modules: modulesProjection, templates: templatesProjection, instances: instancesProjection });

export type CatalogRuntime = ServiceRuntime<ReturnType<typeof catalogProjections>> & { readonly config: CatalogConfig };

export async function startCatalogRuntime(config: CatalogConfig, logger: Logger): Promise<CatalogRuntime> {
  const runtime = await ServiceRuntime.start({ service: 'catalog', version: CATALOG_VERSION, config, logger, projections: catalogProjections() });
  return runtime as CatalogRuntime;
}
