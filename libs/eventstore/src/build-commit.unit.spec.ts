import { EVENT_HEADERS, PlatformError } from '@powernode/contracts';
import { buildCommit } from './build-commit.js';
import { commitHeaders } from './commit-headers.js';
import { counterRegistry, INCREMENTED, RESET } from './test/counter.fixture.js';

const ref = { context: 'test', aggregate: 'counter', id: 'c1' };
const ids = ['0b4c1a7e-0a64-4c55-9d2c-3c1b7c9f0a01', '0b4c1a7e-0a64-4c55-9d2c-3c1b7c9f0a02'];
const meta = () => {
  const queue = [...ids];
  return { actor: 'alice', now: () => new Date('2025-01-02T03:04:05.000Z'), newId: () => queue.shift()!, traceparent: '00-aa-bb-01' };
};
const build = (events: Parameters<typeof buildCommit>[4], m: Parameters<typeof buildCommit>[5] = meta()) =>
  buildCommit('sys', counterRegistry(), ref, { version: 3, position: 17 }, events, m);

describe(buildCommit.name, () => {
  it('numbers versions after the expected one and takes time and ids from the metadata', () => {
    const { subject, commit } = build([{ kind: INCREMENTED, data: { by: 1, note: '' } }, { kind: RESET, data: {} }]);
    expect(subject).toBe('sys.test.counter.c1');
    expect(commit.commit_id).toBe(ids[0]);
    expect(commit.events.map((e) => [e.id, e.aggregate_version, e.schema])).toEqual([[ids[0], 4, 2], [ids[1], 5, 1]]);
    expect(commit.events[1]).toMatchObject({ occurred_at: '2025-01-02T03:04:05.000Z', actor: 'alice', correlation_id: ids[0], causation_id: null });
  });

  it('keeps a caller-given id and correlation', () => {
    const given = '7d3f1c2e-1111-4a2b-8c3d-000000000001';
    const { commit } = build([{ kind: RESET, data: {}, id: given }], { ...meta(), correlationId: 'corr', causationId: 'cause' });
    expect(commit.events[0]).toMatchObject({ id: given, correlation_id: 'corr', causation_id: 'cause' });
  });

  it.each([
    ['a kind of another context', [{ kind: 'system.other.thing.happened', data: { n: 1 } }]],
    ['data that fails the schema', [{ kind: INCREMENTED, data: { by: 'x' } }]],
    ['an unknown kind', [{ kind: 'system.test.counter.vanished', data: {} }]],
    ['no events', []],
    ['an id that is not a uuid', [{ kind: RESET, data: {}, id: 'nope' }]],
  ])('rejects %s as InvalidInput', (_, events) => {
    let error: unknown;
    try {
      build(events);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).code).toBe('InvalidInput');
  });
});

describe(commitHeaders.name, () => {
  it('names the first kind, all kinds, the aggregate and the trace', () => {
    const { commit } = build([{ kind: INCREMENTED, data: { by: 1, note: '' } }, { kind: RESET, data: {} }]);
    const sut = commitHeaders(commit);
    expect(sut.get(EVENT_HEADERS.kind)).toBe(INCREMENTED);
    expect(sut.get(EVENT_HEADERS.kinds)).toBe(`${INCREMENTED},${RESET}`);
    expect(sut.get(EVENT_HEADERS.aggregateId)).toBe('c1');
    expect(sut.get('traceparent')).toBe('00-aa-bb-01');
  });
});
