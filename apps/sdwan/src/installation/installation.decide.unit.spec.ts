import type { NewEvent } from '@powernode/eventstore';
import { givenFor } from '@powernode/testing';
import { INSTALLATION_ID, installationDecider } from './installation.decider.js';

const given = givenFor(installationDecider, INSTALLATION_ID);
const decided: NewEvent = { kind: 'system.sdwan.installation.prefix_decided', data: { prefix: 'fd3a:1b2c:9d4e::/48' } };
const allocated = (networkId: string, prefix: string): NewEvent => ({ kind: 'system.sdwan.installation.subnet_allocated', data: { network_id: networkId, prefix } });

describe('installation decider', () => {
  it('decides the /48 once: a later proposal records nothing', () => {
    expect(given([]).when({ type: 'DecidePrefix', data: { prefix: 'fd3a:1b2c:9d4e::/48' } })()).toEqual([decided]);
    expect(given([decided]).when({ type: 'DecidePrefix', data: { prefix: 'fd11:2233:4455::/48' } })()).toEqual([]);
  });

  it('allocates a free /64 per network, never one twice', () => {
    const history = [decided, allocated('net-00000001', 'fd3a:1b2c:9d4e:1::/64')];
    expect(given(history).when({ type: 'AllocateSubnet', data: { networkId: 'net-00000002', candidates: ['fd3a:1b2c:9d4e:1::/64', 'fd3a:1b2c:9d4e:2::/64'], explicit: false } })()).toEqual([
      allocated('net-00000002', 'fd3a:1b2c:9d4e:2::/64'),
    ]);
    expect(given(history).when({ type: 'AllocateSubnet', data: { networkId: 'net-00000002', candidates: ['fd3a:1b2c:9d4e:1::/64'], explicit: true } })).toThrow(
      expect.objectContaining({ code: 'Conflict' }),
    );
    expect(given(history).when({ type: 'AllocateSubnet', data: { networkId: 'net-00000001', candidates: ['fd3a:1b2c:9d4e:9::/64'], explicit: false } })()).toEqual([]);
  });

  it('needs the /48 before any subnet', () => {
    expect(given([]).when({ type: 'AllocateSubnet', data: { networkId: 'net-00000001', candidates: ['fd00::/64'], explicit: true } })).toThrow(
      expect.objectContaining({ code: 'IllegalState' }),
    );
  });
});
