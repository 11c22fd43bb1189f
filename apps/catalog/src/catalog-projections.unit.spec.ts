import type { Projection } from '@powernode/eventstore';
import { testEnvelope } from '@powernode/testing';
import { instancesProjection } from './instance/instances.projection.js';
import { templatesProjection } from './template/templates.projection.js';

function feed<R extends Record<string, unknown>>(projection: Projection<R>, events: [string, Record<string, unknown>][]): R | null {
  return events.reduce<R | null>(
    (row, [kind, data], i) =>
      projection.evolve(
        row,
        testEnvelope({ kind, data }, i, 'x'),
        { seq: i + 1, index: 0 },
      ),
    null,
  );
}

describe('catalog projections', () => {
  it('keeps a template\'s assigned modules with name, version and runtime', () => {
    const assigned = (id: string, name: string) => ['system.catalog.template.module_assigned', { template_id: 'tpl-1', module_id: id, module_name: name, module_version: '1.0.0', runtime: 'docker' }] as [string, Record<string, unknown>];
    const sut = feed(templatesProjection, [
      ['system.catalog.template.created', { template_id: 'tpl-1', name: 'default' }],
      assigned('mod-b', 'zeta'),
      assigned('mod-a', 'alpha'),
      ['system.catalog.template.module_unassigned', { template_id: 'tpl-1', module_id: 'mod-b', module_name: 'zeta', module_version: '1.0.0' }],
    ]);
    expect(sut).toEqual({
      id: 'tpl-1',
      name: 'default',
      modules: [{ module_id: 'mod-a', name: 'alpha', version: '1.0.0', runtime: 'docker' }],
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:03.000Z',
    });
  });

  it('moves an instance through its statuses, and decommissioned is final', () => {
    const provisioned: [string, Record<string, unknown>] = ['system.catalog.instance.provisioned', { instance_id: 'inst-1', template_id: 'tpl-1', name: 'n', provider: 'local' }];
    expect(feed(instancesProjection, [provisioned])).toMatchObject({ id: 'inst-1', node_template_id: 'tpl-1', status: 'provisioning' });
    expect(feed(instancesProjection, [provisioned, ['system.catalog.instance.enrolled', { instance_id: 'inst-1', certificate_serial: 'ab' }]])).toMatchObject({ status: 'running' });
    const sut = feed(instancesProjection, [
      provisioned,
      ['system.catalog.instance.online', { instance_id: 'inst-1', last_heartbeat_at: '2026-01-01T00:00:01.000Z' }],
      ['system.catalog.instance.decommissioned', { instance_id: 'inst-1' }],
      ['system.catalog.instance.offline', { instance_id: 'inst-1', last_heartbeat_at: null }],
    ]);
    expect(sut).toMatchObject({ status: 'decommissioned', decommissioned_at: '2026-01-01T00:00:02.000Z', last_heartbeat_at: '2026-01-01T00:00:01.000Z' });
  });
});
