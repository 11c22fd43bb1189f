import { PlatformError } from '@powernode/contracts';
import type { CommandMeta } from '@powernode/eventstore';
import type { Logger } from '@powernode/service-kit';
import type { ModuleService } from '../module/module.service.js';
import type { TemplateService } from '../template/template.service.js';

export const SEED_ACTOR = 'system:catalog-seed';

/** The default catalog of the tutorials: a live `docker-engine` module and a `default` template. */
export const DEFAULT_CATALOG = {
  module: {
    name: 'docker-engine',
    version: '1.0.0',
    runtime: 'docker',
    // What the agent's docker reconciler installs and how dockerd listens (DESIGN §4: overlay /128, TLS only).
    config: { package: 'docker.io', listen_port: 2376, tls_verify: true },
    description: 'Managed Docker daemon listening only on the instance\'s SDWAN /128, with mutual TLS.',
  },
  template: { name: 'default', description: 'The template instances are provisioned from unless told otherwise.' },
} as const;

/** Ignores Conflict: another replica, or an earlier start, seeded it first. */
async function unlessExists(what: string, logger: Logger, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
    logger.info({ seeded: what }, 'catalog seeded');
  } catch (error) {
    if (!(error instanceof PlatformError && error.code === 'Conflict')) throw error;
  }
}

/**
 * Seeds the default catalog idempotently. Seed ids derive from names, so replicas starting together
 * race for the same aggregates at version 0: one appends, the others get Conflict and move on.
 */
export async function seedDefaultCatalog(modules: ModuleService, templates: TemplateService, logger: Logger): Promise<void> {
  const meta: CommandMeta = { actor: SEED_ACTOR };
  const { module, template } = DEFAULT_CATALOG;
  await unlessExists(`${module.name}@${module.version}`, logger, () => modules.publish({ ...module, config: { ...module.config } }, meta));
  // Promoting a live module records nothing, so a restart (or a replica that lost the publish race) is harmless.
  await modules.promote({ module_name: module.name, version: module.version }, meta);
  await unlessExists(`template ${template.name}`, logger, () => templates.create(template.name, template.description, meta));
}
