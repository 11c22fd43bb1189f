import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '@powernode/service-kit';
import { eventually } from '@powernode/testing';
import { postAction, startTestGateway, type TestGateway } from './testing/test-gateway.js';

describe('trace context across process boundaries', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: { shutdown(): Promise<void> };
  let sut: TestGateway;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'trace-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    sut = await startTestGateway();
  });
  afterAll(async () => {
    await sut?.destroy();
    await telemetry?.shutdown();
  });

  it('carries the caller trace id through the NATS handler, the event and the projections', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await postAction(sut, 'identity_create_account', { name: 'tracy', roles: ['viewer'] }, sut.adminToken, {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(res.status).toBe(200);

    const spansOfTrace = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
    await eventually(() => {
      expect(spansOfTrace()).toEqual(
        expect.arrayContaining(['action identity_create_account', 'handle identity_create_account', 'project operator_accounts', 'project event_log']),
      );
    });
    // The handler span is a child of the edge span (it crossed NATS, not a function call).
    const spans = exporter.getFinishedSpans();
    const edge = spans.find((s) => s.name === 'action identity_create_account')!;
    const handler = spans.find((s) => s.name === 'handle identity_create_account')!;
    expect(handler.parentSpanContext?.spanId).toBe(edge.spanContext().spanId);

    const { body } = await postAction(sut, 'recent_events', { kind_prefix: 'system.identity.account', limit: 1 }, sut.adminToken);
    expect(body.events[0].aggregate_id).toBe('tracy');
    const stored = await sut.runtime.store.load({ context: 'identity', aggregate: 'account', id: 'tracy' });
    expect(stored.events[0]!.traceparent).toContain(traceId);
  });
});
