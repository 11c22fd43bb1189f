import type { NewEvent } from '@powernode/eventstore';
import { givenFor } from '@powernode/testing';
import type { InstanceCommand } from './instance.commands.js';
import { instanceDecider } from './instance.decider.js';

const id = 'inst-0a1b2c3d';
const given = givenFor(instanceDecider(id), id);

const provision: InstanceCommand = { type: 'ProvisionInstance', data: { instanceId: id, templateId: 'tpl-1', name: 'node-1', provider: 'local' } };
const provisioned: NewEvent = { kind: 'system.catalog.instance.provisioned', data: { instance_id: id, template_id: 'tpl-1', name: 'node-1', provider: 'local' } };
const decommission: InstanceCommand = { type: 'DecommissionInstance', data: { reason: 'done' } };
const decommissioned: NewEvent = { kind: 'system.catalog.instance.decommissioned', data: { instance_id: id, reason: 'done' } };
const online: NewEvent = { kind: 'system.catalog.instance.online', data: { instance_id: id, last_heartbeat_at: '2026-01-01T00:00:00.000Z' } };

describe('instance decider', () => {
  it('provisions an instance once', () => {
    expect(given([]).when(provision)()).toEqual([provisioned]);
    expect(given([provisioned]).when(provision)).toThrow(expect.objectContaining({ code: 'Conflict' }));
  });

  it('decommissions from any status once, then records nothing', () => {
    expect(given([provisioned]).when(decommission)()).toEqual([decommissioned]);
    expect(given([provisioned, online]).when(decommission)()).toEqual([decommissioned]);
    expect(given([provisioned, decommissioned]).when(decommission)()).toEqual([]);
    expect(given([provisioned, decommissioned, online]).when(decommission)()).toEqual([]);
  });

  it('answers NotFound for an unknown instance', () => {
    expect(given([]).when(decommission)).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });
});
