import { catalogActions as actions } from '@powernode/contracts';
import { createLogger } from '@powernode/service-kit';
import { dropTestPlatform, testPlatformEnv } from '@powernode/testing';
import { startCatalog } from './catalog-app.js';
import { moduleIdFor, templateIdFor } from './ids.js';
import { DEFAULT_CATALOG, SEED_ACTOR } from './seed/default-catalog.js';
import { startTestCatalog, testCatalogConfig } from './testing/test-catalog.js';

const { module: seedModule } = DEFAULT_CATALOG;
const seedModuleId = moduleIdFor(seedModule.name, seedModule.version);

describe('default catalog seed', () => {
  it('seeds a live docker-engine and a default template once, however often the catalog starts', async () => {
    const platform = testPlatformEnv();
    const first = await startTestCatalog(platform);
    await first.destroy({ keepData: true });
    const sut = await startTestCatalog(platform);
    try {
      const { modules } = await sut.call(actions.systemListModules, { name: 'docker-engine' });
      expect(modules).toEqual([expect.objectContaining({ id: seedModuleId, version: seedModule.version, runtime: 'docker', status: 'live' })]);
      const { templates } = await sut.call(actions.systemListTemplates, {});
      expect(templates).toEqual([expect.objectContaining({ id: templateIdFor('default'), name: 'default', modules: [] })]);
      const { events } = await sut.runtime.store.load({ context: 'catalog', aggregate: 'module', id: seedModuleId });
      expect(events.map((e) => [e.kind, e.actor])).toEqual([
        ['system.catalog.module.published', SEED_ACTOR],
        ['system.catalog.module.promoted', SEED_ACTOR],
      ]);
      expect(await sut.streamMessages()).toBe(3);
    } finally {
      await sut.destroy();
    }
  });

  it('seeds once when two replicas start together on one fresh schema', async () => {
    const platform = testPlatformEnv();
    const config = testCatalogConfig(platform);
    const started = await Promise.allSettled([startCatalog(config, createLogger('catalog-a', 'silent')), startCatalog(config, createLogger('catalog-b', 'silent'))]);
    const replicas = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect(started.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual(['fulfilled', 'fulfilled']);
      const a = replicas[0]!;
      const modules = await a.catalog.modules.list({ name: 'docker-engine' });
      expect(modules).toEqual([expect.objectContaining({ id: seedModuleId, status: 'live' })]);
      expect(await a.catalog.templates.list()).toEqual([expect.objectContaining({ name: 'default' })]);
      const kinds = async (aggregate: string, id: string) => (await a.runtime.store.load({ context: 'catalog', aggregate, id })).events.map((e) => e.kind);
      expect(await kinds('module', seedModuleId)).toEqual(['system.catalog.module.published', 'system.catalog.module.promoted']);
      expect(await kinds('template', templateIdFor('default'))).toEqual(['system.catalog.template.created']);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      await dropTestPlatform(platform, ['catalog']);
    }
  });
});
