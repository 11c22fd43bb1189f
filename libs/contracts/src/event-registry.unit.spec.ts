import { z } from 'zod';
import { EventRegistry, EventSchemaError } from './event-registry.js';
import type { EventEnvelope } from './envelope.js';
import { kindPrefixSubject } from './envelope.js';

const envelope = (schema: number, data: Record<string, unknown>): EventEnvelope => ({
  id: '6f1c2f9e-1f43-4c57-9a43-5d0f7e0d4c11',
  kind: 'system.test.thing.renamed',
  schema,
  aggregate_id: 'a',
  aggregate_version: 1,
  occurred_at: '2026-01-01T00:00:00.000Z',
  actor: 't',
  correlation_id: 'c',
  causation_id: null,
  traceparent: null,
  data,
});

describe(EventRegistry.name, () => {
  const sut = new EventRegistry()
    .register({ kind: 'system.test.thing.renamed', version: 1, schema: z.object({ name: z.string() }), upcast: (d) => ({ full_name: d.name, source: 'v1' }) })
    .register({ kind: 'system.test.thing.renamed', version: 2, schema: z.object({ full_name: z.string(), source: z.string() }) });

  it('upcasts stored versions to the latest on read, never rewriting input', () => {
    const stored = envelope(1, { name: 'x' });
    expect(sut.read(stored)).toMatchObject({ schema: 2, data: { full_name: 'x', source: 'v1' } });
    expect(stored.data).toEqual({ name: 'x' });
  });

  it('validates new data against the latest version and names bad fields', () => {
    expect(() => sut.validateNew('system.test.thing.renamed', { name: 'x' })).toThrow(/full_name/);
    expect(() => sut.validateNew('system.test.nope', {})).toThrow(EventSchemaError);
  });

  it('rejects stored data that fails its own version schema', () => {
    expect(() => sut.read(envelope(1, { name: 3 }))).toThrow(EventSchemaError);
    expect(() => sut.read(envelope(3, { name: 'x' }))).toThrow(/no schema v3/);
  });

  it('refuses out-of-order versions and malformed kinds', () => {
    expect(() => new EventRegistry().register({ kind: 'system.test.x.y', version: 2, schema: z.object({}) })).toThrow();
    expect(() => new EventRegistry().register({ kind: 'docker.x.y', version: 1, schema: z.object({}) })).toThrow();
  });
});

describe('kindPrefixSubject', () => {
  it('maps kind prefixes to the context wildcard', () => {
    expect(kindPrefixSubject('system', 'system')).toBe('system.>');
    expect(kindPrefixSubject('t1.system', 'system.docker')).toBe('t1.system.docker.>');
    expect(kindPrefixSubject('system', 'system.docker.handshake')).toBe('system.docker.>');
  });
});
