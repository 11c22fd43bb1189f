import { catalogActions as actions } from '@powernode/contracts';
import { templateIdFor } from './ids.js';
import { startTestCatalog, type TestCatalog } from './testing/test-catalog.js';

describe('catalog instances', () => {
  let sut: TestCatalog;
  const defaultTemplate = templateIdFor('default');

  beforeAll(async () => {
    sut = await startTestCatalog();
  });
  afterAll(() => sut?.destroy());

  it('provisions an instance from a template and answers system_get_instance in the tutorial shape', async () => {
    const { instance } = await sut.call(actions.systemProvisionInstance, { template_id: defaultTemplate, name: 'node-1' }, { caller: 'alice' });
    expect(instance).toMatchObject({ id: expect.stringMatching(/^inst-[0-9a-f]{8}$/), name: 'node-1', node_template_id: defaultTemplate, status: 'provisioning', provider: 'local' });
    expect(await sut.call(actions.systemGetInstance, { id: instance.id })).toEqual({ instance });
    const { events } = await sut.runtime.store.load({ context: 'catalog', aggregate: 'instance', id: instance.id });
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'system.catalog.instance.provisioned',
        actor: 'operator:alice',
        data: { instance_id: instance.id, template_id: defaultTemplate, name: 'node-1', provider: 'local' },
      }),
    ]);
  });

  it('names an unnamed instance after its id, and refuses a name an active instance holds', async () => {
    const { instance } = await sut.call(actions.systemProvisionInstance, { template_id: defaultTemplate });
    expect(instance.name).toBe(instance.id);
    await sut.call(actions.systemProvisionInstance, { template_id: defaultTemplate, name: 'taken' });
    await expect(sut.call(actions.systemProvisionInstance, { template_id: defaultTemplate, name: 'taken' })).rejects.toMatchObject({ code: 'Conflict' });
  });

  it('lists instances, filtered by template, hiding decommissioned ones unless asked', async () => {
    const other = (await sut.call(actions.systemCreateTemplate, { name: 'edge' })).template;
    const a = (await sut.call(actions.systemProvisionInstance, { template_id: other.id, name: 'edge-a' })).instance;
    const b = (await sut.call(actions.systemProvisionInstance, { template_id: other.id, name: 'edge-b' })).instance;
    const listed = await sut.call(actions.systemListInstances, { template_id: other.id });
    expect(listed.instances.map((i: { id: string }) => i.id).sort()).toEqual([a.id, b.id].sort());

    const gone = await sut.call(actions.systemDecommissionInstance, { id: a.id, reason: 'test over' }, { caller: 'alice' });
    expect(gone).toMatchObject({ already_decommissioned: false, instance: { id: a.id, status: 'decommissioned', decommissioned_at: expect.any(String) } });
    expect((await sut.call(actions.systemListInstances, { template_id: other.id })).instances.map((i: { id: string }) => i.id)).toEqual([b.id]);
    const all = await sut.call(actions.systemListInstances, { template_id: other.id, include_decommissioned: true });
    expect(all.instances).toHaveLength(2);
    expect((await sut.call(actions.systemListInstances, { status: 'decommissioned' })).instances.map((i: { id: string }) => i.id)).toEqual([a.id]);
  });

  it('decommissions idempotently and answers NotFound for unknown instances and templates', async () => {
    const { instance } = await sut.call(actions.systemProvisionInstance, { template_id: defaultTemplate });
    await sut.call(actions.systemDecommissionInstance, { id: instance.id });
    const before = await sut.streamMessages();
    expect(await sut.call(actions.systemDecommissionInstance, { id: instance.id })).toMatchObject({ already_decommissioned: true, instance: { status: 'decommissioned' } });
    expect(await sut.streamMessages()).toBe(before);
    await expect(sut.call(actions.systemGetInstance, { id: 'inst-00000000' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(sut.call(actions.systemDecommissionInstance, { id: 'inst-00000000' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(sut.call(actions.systemProvisionInstance, { template_id: 'tpl-missing' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(sut.call(actions.systemProvisionInstance, { template_id: defaultTemplate, provider: 'aws' })).rejects.toMatchObject({ code: 'InvalidInput' });
  });
});
