import { catalogActions as actions } from '@powernode/contracts';
import { templateIdFor } from './ids.js';
import { startTestCatalog, type TestCatalog } from './testing/test-catalog.js';

describe('catalog modules and templates', () => {
  let sut: TestCatalog;

  beforeAll(async () => {
    sut = await startTestCatalog();
  });
  afterAll(() => sut?.destroy());

  const publish = (name: string, version: string, extra: Record<string, unknown> = {}) =>
    sut.call(actions.systemPublishModule, { name, version, runtime: 'docker', ...extra }, { caller: 'alice' });
  const template = async (name: string) => (await sut.call(actions.systemCreateTemplate, { name }, { caller: 'alice' })).template;

  it('publishes a module as published, promotes it to live, and lists it', async () => {
    const { module } = await publish('web-stack', '1.0.0', { config: { port: 80 } });
    expect(module).toMatchObject({ id: expect.stringMatching(/^mod-/), name: 'web-stack', version: '1.0.0', runtime: 'docker', status: 'published', blessed: false, config: { port: 80 } });
    const promoted = await sut.call(actions.systemPromoteModule, { module_id: module.id }, { caller: 'alice' });
    expect(promoted.module).toMatchObject({ id: module.id, status: 'live', promoted_at: expect.any(String) });
    const { modules } = await sut.call(actions.systemListModules, { name: 'web-stack' });
    expect(modules).toEqual([expect.objectContaining({ id: module.id, status: 'live' })]);
    const { events } = await sut.runtime.store.load({ context: 'catalog', aggregate: 'module', id: module.id });
    expect(events.map((e) => [e.kind, e.actor])).toEqual([
      ['system.catalog.module.published', 'operator:alice'],
      ['system.catalog.module.promoted', 'operator:alice'],
    ]);
  });

  it('refuses a second module with the same name and version with Conflict', async () => {
    await publish('dup-mod', '1.0.0');
    await expect(publish('dup-mod', '1.0.0')).rejects.toMatchObject({ code: 'Conflict' });
    expect((await sut.call(actions.systemListModules, { name: 'dup-mod' })).modules).toHaveLength(1);
  });

  it('assigns a live module by name (its highest live version) and by id', async () => {
    const old = (await publish('agent-tools', '1.9.0')).module;
    const newer = (await publish('agent-tools', '1.10.0')).module;
    await publish('agent-tools', '2.0.0-rc1'); // published only: not a candidate for the name
    await sut.call(actions.systemPromoteModule, { module_name: 'agent-tools', version: '1.9.0' });
    await sut.call(actions.systemPromoteModule, { module_name: 'agent-tools', version: '1.10.0' });
    const byName = await template('by-name');
    const assigned = await sut.call(actions.systemAssignModuleToTemplate, { template_id: byName.id, module_name: 'agent-tools' }, { caller: 'alice' });
    expect(assigned).toMatchObject({ assigned: true, module: { module_id: newer.id, name: 'agent-tools', version: '1.10.0', runtime: 'docker' } });
    expect(assigned.template.modules).toEqual([{ module_id: newer.id, name: 'agent-tools', version: '1.10.0', runtime: 'docker' }]);

    const byId = await template('by-id');
    const viaId = await sut.call(actions.systemAssignModuleToTemplate, { template_id: byId.id, module_id: old.id });
    expect(viaId.template.modules).toEqual([{ module_id: old.id, name: 'agent-tools', version: '1.9.0', runtime: 'docker' }]);
    // Another version of the same module replaces the assigned one, in one commit.
    const upgraded = await sut.call(actions.systemAssignModuleToTemplate, { template_id: byId.id, module_id: newer.id });
    expect(upgraded.template.modules.map((m: { version: string }) => m.version)).toEqual(['1.10.0']);
    const { events } = await sut.runtime.store.load({ context: 'catalog', aggregate: 'template', id: byId.id });
    expect(events.map((e) => e.kind)).toEqual([
      'system.catalog.template.created',
      'system.catalog.template.module_assigned',
      'system.catalog.template.module_unassigned',
      'system.catalog.template.module_assigned',
    ]);
    // The read model the desired state will be computed from.
    const { templates } = await sut.call(actions.systemListTemplates, { name: 'by-id' });
    expect(templates).toEqual([expect.objectContaining({ id: templateIdFor('by-id'), modules: [{ module_id: newer.id, name: 'agent-tools', version: '1.10.0', runtime: 'docker' }] })]);
  });

  it('refuses a module that is neither live nor blessed with ModuleNotLive and appends nothing', async () => {
    const draft = (await publish('not-yet', '0.1.0')).module;
    const tpl = await template('strict');
    const before = await sut.streamMessages();
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_name: 'not-yet' })).rejects.toMatchObject({ code: 'ModuleNotLive' });
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_id: draft.id })).rejects.toMatchObject({ code: 'ModuleNotLive' });
    expect(await sut.streamMessages()).toBe(before);
    expect((await sut.call(actions.systemListTemplates, { name: 'strict' })).templates[0].modules).toEqual([]);
  });

  it('assigns a blessed module, recording the reason and who blessed it', async () => {
    const beta = (await publish('beta-mod', '0.9.0')).module;
    const tpl = await template('blessed');
    const { module } = await sut.call(actions.systemBlessModule, { module_name: 'beta-mod', reason: 'needed for the demo' }, { caller: 'bob' });
    expect(module).toMatchObject({ id: beta.id, status: 'published', blessed: true, bless_reason: 'needed for the demo', blessed_by: 'operator:bob' });
    const { events } = await sut.runtime.store.load({ context: 'catalog', aggregate: 'module', id: beta.id });
    expect(events[1]).toMatchObject({
      kind: 'system.catalog.module.blessed',
      actor: 'operator:bob',
      data: { module_id: beta.id, reason: 'needed for the demo', blessed_by: 'operator:bob' },
    });
    const assigned = await sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_name: 'beta-mod' });
    expect(assigned).toMatchObject({ assigned: true, module: { module_id: beta.id } });
  });

  it('unassigns idempotently, by name or by id', async () => {
    const mod = (await publish('removable', '1.0.0')).module;
    await sut.call(actions.systemPromoteModule, { module_id: mod.id });
    const tpl = await template('unassign');
    await sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_name: 'removable' });
    const again = await sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_name: 'removable' });
    expect(again.assigned).toBe(false);
    const first = await sut.call(actions.systemUnassignModuleFromTemplate, { template_id: tpl.id, module_name: 'removable' });
    expect(first).toMatchObject({ unassigned: true, template: { modules: [] } });
    const before = await sut.streamMessages();
    expect(await sut.call(actions.systemUnassignModuleFromTemplate, { template_id: tpl.id, module_name: 'removable' })).toMatchObject({ unassigned: false });
    expect(await sut.call(actions.systemUnassignModuleFromTemplate, { template_id: tpl.id, module_id: mod.id })).toMatchObject({ unassigned: false });
    expect(await sut.streamMessages()).toBe(before);
  });

  it('answers NotFound for unknown templates and modules', async () => {
    const tpl = await template('lookups');
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: 'tpl-nope', module_name: 'docker-engine' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_name: 'no-such-module' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_id: 'mod-nope' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(sut.call(actions.systemUnassignModuleFromTemplate, { template_id: tpl.id, module_name: 'no-such-module' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(sut.call(actions.systemPromoteModule, { module_id: 'mod-nope' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(sut.call(actions.systemCreateTemplate, { name: 'lookups' })).rejects.toMatchObject({ code: 'Conflict' });
  });

  it('refuses bad input with InvalidInput', async () => {
    const tpl = await template('bad-input');
    const invalid = expect.objectContaining({ code: 'InvalidInput' });
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id })).rejects.toEqual(invalid);
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_name: 'docker-engine', module_id: 'mod-x' })).rejects.toEqual(invalid);
    await expect(sut.call(actions.systemPublishModule, { name: 'Bad Name', version: '1', runtime: 'docker' })).rejects.toEqual(invalid);
    await expect(sut.call(actions.systemPublishModule, { name: 'ok', version: '1', runtime: 'podman' })).rejects.toEqual(invalid);
    await expect(sut.call(actions.systemBlessModule, { module_name: 'docker-engine' })).rejects.toEqual(invalid);
    await expect(sut.call(actions.systemGetInstance, { id: 'not-an-instance' })).rejects.toEqual(invalid);
  });

  it('refuses an overlay runtime on a template with live instances when the sdwan service is not running: nothing is assigned', async () => {
    const tpl = await template('guarded');
    await sut.call(actions.systemProvisionInstance, { template_id: tpl.id });
    const messages = await sut.streamMessages();
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: tpl.id, module_name: 'docker-engine' })).rejects.toMatchObject({
      code: 'ServiceUnavailable',
    });
    expect(await sut.streamMessages()).toBe(messages);
    // A template without instances needs no peer, so no question to the sdwan service.
    const empty = await template('guarded-empty');
    await expect(sut.call(actions.systemAssignModuleToTemplate, { template_id: empty.id, module_name: 'docker-engine' })).resolves.toMatchObject({ assigned: true });
  });
});
