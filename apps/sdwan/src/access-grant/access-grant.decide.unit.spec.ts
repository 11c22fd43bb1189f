import type { NewEvent } from '@powernode/eventstore';
import { givenFor } from '@powernode/testing';
import type { NewGrant } from './access-grant.commands.js';
import { accessGrantDecider } from './access-grant.decider.js';

const id = 'grant-00000001';
const given = givenFor(accessGrantDecider(id), id);
const key = 'B'.repeat(43) + '=';
const grant: NewGrant = {
  grantId: id,
  networkId: 'net-0000abcd',
  peerId: 'peer-00000001',
  deviceName: 'ops-laptop',
  overlayAddress: 'fd00:abcd:1::77',
  expiresAt: '2026-01-02T00:00:00.000Z',
  delivery: 'bootstrap',
  tokenSha256: 'a'.repeat(64),
  bootstrapExpiresAt: '2026-01-01T00:15:00.000Z',
};
const created: NewEvent = {
  kind: 'system.sdwan.access_grant.created',
  data: {
    grant_id: id,
    network_id: grant.networkId,
    peer_id: grant.peerId,
    device_name: grant.deviceName,
    overlay_address: grant.overlayAddress,
    expires_at: grant.expiresAt,
    delivery: 'bootstrap',
    token_sha256: grant.tokenSha256,
    bootstrap_expires_at: grant.bootstrapExpiresAt,
  },
};
const redeemed: NewEvent = { kind: 'system.sdwan.access_grant.redeemed', data: { grant_id: id, public_key: key } };
const redeem = (now: string) => ({ type: 'RedeemGrant' as const, data: { publicKey: key, now } });
const gone = expect.objectContaining({ details: expect.objectContaining({ reason: 'gone' }) });

describe('access grant decider', () => {
  it('creates a grant once', () => {
    expect(given([]).when({ type: 'CreateGrant', data: grant })()).toEqual([created]);
    expect(given([created]).when({ type: 'CreateGrant', data: grant })).toThrow(expect.objectContaining({ code: 'Conflict' }));
  });

  it('redeems a bootstrap URL once, within its 15 minutes', () => {
    expect(given([created]).when(redeem('2026-01-01T00:14:59.000Z'))()).toEqual([redeemed]);
    expect(given([created, redeemed]).when(redeem('2026-01-01T00:01:00.000Z'))).toThrow(gone);
    expect(given([created]).when(redeem('2026-01-01T00:15:00.000Z'))).toThrow(gone);
  });

  it('revokes once; a revoked URL is gone', () => {
    const revoked: NewEvent = { kind: 'system.sdwan.access_grant.revoked', data: { grant_id: id } };
    expect(given([created, redeemed]).when({ type: 'RevokeGrant', data: {} })()).toEqual([revoked]);
    expect(given([created, redeemed, revoked]).when({ type: 'RevokeGrant', data: {} })()).toEqual([]);
    expect(given([created, revoked]).when(redeem('2026-01-01T00:01:00.000Z'))).toThrow(gone);
  });

  it('expires after its TTL, or when its bootstrap URL lapsed unused', () => {
    const expired: NewEvent = { kind: 'system.sdwan.access_grant.expired', data: { grant_id: id } };
    expect(given([created, redeemed]).when({ type: 'ExpireGrant', data: { now: '2026-01-01T12:00:00.000Z' } })()).toEqual([]);
    expect(given([created, redeemed]).when({ type: 'ExpireGrant', data: { now: '2026-01-02T00:00:00.000Z' } })()).toEqual([expired]);
    expect(given([created]).when({ type: 'ExpireGrant', data: { now: '2026-01-01T00:20:00.000Z' } })()).toEqual([expired]);
    expect(given([created, expired]).when({ type: 'ExpireGrant', data: { now: '2026-01-03T00:00:00.000Z' } })()).toEqual([]);
  });
});
