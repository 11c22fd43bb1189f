import { decodeForProjection } from './decode-for-projection.js';
import { counterRegistry, GAUGE_SET, INCREMENTED } from './test/counter.fixture.js';

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const envelope = (kind: string, data: Record<string, unknown>, schema = 1) => ({
  id: '0b4c1a7e-0a64-4c55-9d2c-3c1b7c9f0a01', kind, schema, aggregate_id: 'a', aggregate_version: 1,
  occurred_at: '2025-01-02T03:04:05.000Z', actor: 'x', correlation_id: 'c', causation_id: null, traceparent: null, data,
});
const handles = new Set([INCREMENTED]);

describe(decodeForProjection.name, () => {
  it('upcasts handled events and ignores other kinds without validating them', () => {
    const commit = { events: [envelope(GAUGE_SET, { value: 'not checked' }), envelope(INCREMENTED, { by: 2 })] };
    const sut = decodeForProjection({ seq: 9, subject: 's', data: encode(commit) }, handles, counterRegistry());
    expect(sut.deadLetters).toEqual([]);
    expect(sut.events).toHaveLength(1);
    expect(sut.events[0]).toMatchObject({ index: 1, event: { schema: 2, data: { by: 2, note: 'v1' } } });
  });

  it('dead-letters a payload that is not JSON', () => {
    const sut = decodeForProjection({ seq: 3, subject: 's', data: encode('{{') }, handles, counterRegistry());
    expect(sut.deadLetters).toMatchObject([{ seq: 3, index: 0, eventId: null, payload: { raw: '{{' } }]);
  });

  it('dead-letters only the bad event of a commit', () => {
    const commit = { events: [envelope(INCREMENTED, { by: 'x' }), envelope(INCREMENTED, { by: 1 })] };
    const sut = decodeForProjection({ seq: 4, subject: 's', data: encode(commit) }, handles, counterRegistry());
    expect(sut.deadLetters).toMatchObject([{ seq: 4, index: 0, kind: INCREMENTED }]);
    expect(sut.deadLetters[0]!.error).toMatch(/by/);
    expect(sut.events.map((e) => e.index)).toEqual([1]);
  });

  it('dead-letters an event with an unknown schema version', () => {
    const commit = { events: [envelope(INCREMENTED, { by: 1 }, 7)] };
    const sut = decodeForProjection({ seq: 5, subject: 's', data: encode(commit) }, handles, counterRegistry());
    expect(sut.deadLetters[0]!.error).toMatch(/no schema v7/);
  });
});
