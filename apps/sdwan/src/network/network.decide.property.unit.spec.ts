import { PlatformError } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import { testEnvelope } from '@powernode/testing';
import fc from 'fast-check';
import { hubAddress, installationPrefixFrom, networkPrefixIn, peerAddressFrom } from '../address/address-plan.js';
import { parseCidr, parseIpv6 } from '../address/ipv6.js';
import type { NetworkCommand } from './network.commands.js';
import { networkDecider } from './network.decider.js';
import type { NetworkState } from './network.evolve.js';

const id = 'net-0000abcd';
const QUARANTINE_S = 3600;
const START = Date.UTC(2026, 0, 1);

/** One candidate address: a random /128 of the network (from a small id space, so they collide), one of another network, or another spelling. */
type Candidate = { kind: 'peer'; iid: number } | { kind: 'foreign'; iid: number } | { kind: 'spelt'; iid: number };
type Op = { type: 'attach'; instance: number; candidates: Candidate[] } | { type: 'detach'; instance: number } | { type: 'wait'; seconds: number };

const candidate: fc.Arbitrary<Candidate> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('peer' as const), iid: fc.integer({ min: 0, max: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('foreign' as const), iid: fc.integer({ min: 0, max: 24 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('spelt' as const), iid: fc.integer({ min: 2, max: 24 }) }) },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant('attach' as const), instance: fc.nat({ max: 15 }), candidates: fc.array(candidate, { minLength: 1, maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('detach' as const), instance: fc.nat({ max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 2 * QUARANTINE_S }) }) },
);
const network = fc.tuple(fc.uint8Array({ minLength: 5, maxLength: 5 }), fc.integer({ min: 0, max: 0xfffe })).map(([gid, subnet]) => ({
  prefix: networkPrefixIn(installationPrefixFrom(Buffer.from(gid)), subnet),
  other: networkPrefixIn(installationPrefixFrom(Buffer.from(gid)), subnet + 1),
}));

const iidBytes = (iid: number) => Buffer.from(iid.toString(16).padStart(16, '0'), 'hex');
const expanded = (address: string) => {
  const value = parseIpv6(address)!;
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16).padStart(4, '0').toUpperCase()).join(':');
};

interface Run {
  events: NewEvent[];
  state: NetworkState;
}

/** Plays the operations against the decider, checking every decision against a model of the allocation rule. */
function play(prefix: string, other: string, ops: Op[]): Run {
  const decider = networkDecider(id);
  const events: NewEvent[] = [];
  let state = decider.initialState();
  let now = START;
  const apply = (produced: NewEvent[]) => {
    for (const event of produced) state = decider.evolve(state, testEnvelope(event, events.push(event) - 1, id));
  };
  const peerId = (instance: number) => `peer-${String(instance).padStart(8, '0')}`;
  apply(decider.decide({ type: 'CreateNetwork', data: { networkId: id, name: 'n', prefix, owner: 'alice', hubAddress: hubAddress(prefix) } }, state));

  for (const o of ops) {
    const at = new Date(now).toISOString();
    if (o.type === 'wait') {
      now += o.seconds * 1000;
      continue;
    }
    const instance = `inst-${o.instance}`;
    const attachedPeer = [...state.peers.values()].find((p) => p.nodeInstanceId === instance);
    if (o.type === 'detach') {
      const command: NetworkCommand = { type: 'DetachPeer', data: { peerId: attachedPeer?.peerId ?? peerId(o.instance), now: at, quarantineSeconds: QUARANTINE_S } };
      const produced = decider.decide(command, state);
      expect(produced).toHaveLength(attachedPeer ? 1 : 0);
      apply(produced);
      continue;
    }
    const texts = o.candidates.map((c) =>
      c.kind === 'peer' ? peerAddressFrom(prefix, iidBytes(c.iid)) : c.kind === 'foreign' ? peerAddressFrom(other, iidBytes(c.iid)) : expanded(peerAddressFrom(prefix, iidBytes(c.iid))),
    );
    // The model: the first candidate of this network that no peer holds and whose quarantine is over.
    const held = new Set([...state.peers.values()].map((p) => parseIpv6(p.address)));
    const expected = texts.find((t, i) => {
      const value = parseIpv6(t)!;
      const until = state.quarantine.get(peerAddressFrom(prefix, iidBytes(o.candidates[i]!.iid)));
      return o.candidates[i]!.kind !== 'foreign' && !held.has(value) && !(until !== undefined && Date.parse(until) > now);
    });
    const command: NetworkCommand = { type: 'AttachPeer', data: { peer: { peerId: peerId(o.instance), role: 'node', nodeInstanceId: instance }, candidates: texts, now: at } };
    let produced: NewEvent[];
    try {
      produced = decider.decide(command, state);
    } catch (error) {
      expect(error).toBeInstanceOf(PlatformError);
      expect(error).toMatchObject({ code: 'Conflict', details: { reason: 'address_collision' } });
      expect(attachedPeer).toBeUndefined();
      expect(expected).toBeUndefined();
      continue;
    }
    if (attachedPeer) {
      expect(produced).toEqual([]); // attaching an attached instance again records nothing
    } else {
      expect(expected).toBeDefined();
      expect(produced).toHaveLength(1);
      expect(parseIpv6(produced[0]!.data.overlay_address as string)).toBe(parseIpv6(expected!));
    }
    apply(produced);
    checkInvariants(prefix, state);
  }
  return { events, state };
}

function checkInvariants(prefix: string, state: NetworkState): void {
  const { base } = parseCidr(prefix)!;
  const peers = [...state.peers.values()];
  const addresses = peers.map((p) => p.address);
  expect(new Set(addresses).size).toBe(addresses.length);
  for (const peer of peers) {
    const value = parseIpv6(peer.address)!;
    expect(value >> 64n).toBe(base >> 64n); // inside the /64
    expect(value).not.toBe(base); // never the subnet-router anycast ::0
    expect(peer.address === hubAddress(prefix)).toBe(peer.role === 'hub'); // ::1 is the hub's alone
  }
}

describe('network address allocation properties', () => {
  it('keeps peer addresses unique, inside the /64, off ::0 and the hub’s ::1, and follows the first-free-candidate rule, whatever the order of attaches, detaches and time', () => {
    fc.assert(
      fc.property(network, fc.array(op, { maxLength: 40 }), ({ prefix, other }, ops) => {
        const sut = play(prefix, other, ops);
        checkInvariants(prefix, sut.state);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a detached address to anyone until its quarantine is over, and gives it out after', () => {
    fc.assert(
      fc.property(network, fc.integer({ min: 2, max: 1_000_000 }), fc.integer({ min: 0, max: 2 * QUARANTINE_S }), ({ prefix, other }, iid, waited) => {
        const address: Candidate = { kind: 'peer', iid };
        const ops: Op[] = [
          { type: 'attach', instance: 1, candidates: [address] },
          { type: 'detach', instance: 1 },
          ...(waited > 0 ? [{ type: 'wait' as const, seconds: waited }] : []),
          { type: 'attach', instance: 2, candidates: [address] },
        ];
        const attached = play(prefix, other, ops).events.filter((e) => e.kind === 'system.sdwan.peer.attached' && e.data.peer_id !== 'hub');
        expect(attached.map((e) => e.data.node_instance_id)).toEqual(waited >= QUARANTINE_S ? ['inst-1', 'inst-2'] : ['inst-1']);
      }),
      { numRuns: 200 },
    );
  });

  it('is stable: the same history and commands always allocate the same addresses', () => {
    fc.assert(
      fc.property(network, fc.array(op, { maxLength: 40 }), ({ prefix, other }, ops) => {
        expect(play(prefix, other, ops).events).toEqual(play(prefix, other, ops).events);
      }),
      { numRuns: 200 },
    );
  });
});
