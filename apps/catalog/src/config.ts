import { z } from 'zod';
import { baseServiceEnv, loadConfig } from '@powernode/service-kit';

export const catalogEnv = baseServiceEnv.extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('catalog'),
});

export type CatalogConfig = z.infer<typeof catalogEnv>;

export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env): CatalogConfig {
  return loadConfig(catalogEnv, env);
}
