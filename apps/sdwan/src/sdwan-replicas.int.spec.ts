import { jetstreamManager } from '@nats-io/jetstream';
import { sdwanActions as actions } from '@powernode/contracts';
import { connectTestNats, eventually, testPlatformEnv } from '@powernode/testing';
import { startTestSdwan, type TestSdwan } from './testing/test-sdwan.js';

const EXPIRED = 'system.sdwan.access_grant.expired';

describe('sdwan with two replicas', () => {
  const platform = testPlatformEnv();
  const replicas: TestSdwan[] = [];
  const sweeps = [0, 0];

  beforeAll(async () => {
    // Same schema, same stream: two replicas of one sdwan service, sweeping every second.
    const overrides = { SDWAN_BOOTSTRAP_TTL_S: '1', SDWAN_GRANT_SWEEP_INTERVAL_S: '1' };
    replicas.push(await startTestSdwan(platform, overrides), await startTestSdwan(platform, overrides));
    replicas.forEach((replica, i) => {
      const sweep = replica.sdwan.grants.sweepExpired.bind(replica.sdwan.grants);
      replica.sdwan.grants.sweepExpired = (now?: Date) => {
        sweeps[i]! += 1;
        return sweep(now);
      };
    });
  });
  afterAll(async () => {
    await replicas[1]?.destroy({ keepData: true });
    await replicas[0]?.destroy();
  });

  /** Every event of a kind on the stream, read from the stored commits. */
  const eventsOfKind = async (kind: string): Promise<{ aggregate_id: string }[]> => {
    const nc = await connectTestNats();
    try {
      const jsm = await jetstreamManager(nc);
      const last = (await jsm.streams.info(platform.env.EVENT_STREAM!)).state.last_seq;
      const found: { aggregate_id: string }[] = [];
      for (let seq = 1; seq <= last; seq += 1) {
        const msg = await jsm.streams.getMessage(platform.env.EVENT_STREAM!, { seq }).catch(() => null);
        const commit = msg && (JSON.parse(new TextDecoder().decode(msg.data)) as { events: { kind: string; aggregate_id: string }[] });
        found.push(...(commit?.events ?? []).filter((e) => e.kind === kind));
      }
      return found;
    } finally {
      await nc.close();
    }
  };

  it('expires a grant once: only the lease holder sweeps', async () => {
    const [a, b] = replicas as [TestSdwan, TestSdwan];
    expect([a.lease.isHeld(), b.lease.isHeld()]).toEqual([true, false]);
    const net = (await a.call(actions.systemSdwanCreateNetwork, { name: 'replicas' }, { caller: 'alice' })).network;
    // A device grant whose bootstrap URL (1 s) lapses unused: the sweeper expires the grant.
    const issued = await b.call(actions.systemSdwanIssueUserDevice, { network_id: net.id, device_name_hint: 'late' });
    const statusOf = async () =>
      ((await a.call(actions.systemSdwanListAccessGrants, { network_id: net.id, include_inactive: true })).grants as { id: string; status?: string }[]).find(
        (g) => g.id === issued.grant.id,
      )?.status;
    await eventually(async () => expect(await statusOf()).toBe('expired'), { timeoutMs: 10_000, intervalMs: 200 });
    // Two more sweep intervals: a second sweeper would have had its chance.
    const seen = sweeps[0]!;
    await eventually(() => expect(sweeps[0]).toBeGreaterThanOrEqual(seen + 2), { timeoutMs: 5_000, intervalMs: 100 });
    const expired = (await eventsOfKind(EXPIRED)).filter((e) => e.aggregate_id === issued.grant.id);
    expect(expired).toHaveLength(1);
    expect(sweeps[1]).toBe(0);
  }, 30_000);
});
