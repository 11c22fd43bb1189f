import type { NewEvent } from '@powernode/eventstore';
import { givenFor } from '@powernode/testing';
import type { InstanceCommand } from './instance.commands.js';
import { instanceDecider } from './instance.decider.js';

const id = 'inst-0a1b2c3d';
const given = givenFor(instanceDecider(id), id);
const t1 = '2026-01-01T00:00:01.000Z';
const t2 = '2026-01-01T00:00:02.000Z';

const provisioned: NewEvent = { kind: 'system.catalog.instance.provisioned', data: { instance_id: id, template_id: 'tpl-1', name: 'node-1', provider: 'local' } };
const enrolled: NewEvent = { kind: 'system.catalog.instance.enrolled', data: { instance_id: id, certificate_serial: 'ab01', agent_version: '0.1.0' } };
const online = (at: string): NewEvent => ({ kind: 'system.catalog.instance.online', data: { instance_id: id, last_heartbeat_at: at } });
const offline = (at: string | null): NewEvent => ({ kind: 'system.catalog.instance.offline', data: { instance_id: id, last_heartbeat_at: at } });
const decommissioned: NewEvent = { kind: 'system.catalog.instance.decommissioned', data: { instance_id: id } };

const record = (data: Extract<InstanceCommand, { type: 'RecordAgent' }>['data']): InstanceCommand => ({ type: 'RecordAgent', data });
const enroll = record({ event: 'enrolled', certificateSerial: 'ab01', agentVersion: '0.1.0' });
const beat = (at: string) => record({ event: 'online', lastHeartbeatAt: at });
const silent = (at: string | null) => record({ event: 'offline', lastHeartbeatAt: at });

describe('instance decider: agent records', () => {
  it('records an enrolment (again after a reinstall)', () => {
    expect(given([provisioned]).when(enroll)()).toEqual([enrolled]);
    expect(given([provisioned, enrolled, online(t1)]).when(enroll)()).toEqual([enrolled]);
  });

  it('records only transitions between online and offline', () => {
    expect(given([provisioned, enrolled]).when(beat(t1))()).toEqual([online(t1)]);
    expect(given([provisioned, enrolled, online(t1)]).when(beat(t2))()).toEqual([]);
    expect(given([provisioned, enrolled, online(t1)]).when(silent(t1))()).toEqual([offline(t1)]);
    expect(given([provisioned, enrolled, online(t1), offline(t1)]).when(silent(t1))()).toEqual([]);
    expect(given([provisioned, enrolled]).when(silent(null))()).toEqual([]);
    expect(given([provisioned, enrolled, online(t1), offline(t1)]).when(beat(t2))()).toEqual([online(t2)]);
  });

  it('ignores transitions based on an older heartbeat than one recorded (replicas racing)', () => {
    expect(given([provisioned, enrolled, online(t2)]).when(silent(t1))()).toEqual([]);
    expect(given([provisioned, enrolled, online(t1), offline(t1)]).when(beat(t1))()).toEqual([]);
  });

  it('records nothing for a decommissioned instance and NotFound for an unknown one', () => {
    expect(given([provisioned, decommissioned]).when(beat(t1))()).toEqual([]);
    expect(given([provisioned, decommissioned]).when(enroll)()).toEqual([]);
    expect(given([]).when(beat(t1))).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });
});
