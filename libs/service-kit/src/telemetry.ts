import { context, trace, SpanStatusCode, type Context, type Attributes } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

const propagator = new W3CTraceContextPropagator();
const carrierGetter = {
  keys: (c: Record<string, string>) => Object.keys(c),
  get: (c: Record<string, string>, k: string) => c[k],
};
const carrierSetter = { set: (c: Record<string, string>, k: string, v: string) => void (c[k] = v) };

export interface TelemetryOptions {
  serviceName: string;
  /** Export spans over OTLP/HTTP when set (OTEL_EXPORTER_OTLP_ENDPOINT). */
  otlpEndpoint?: string;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[];
}

/** Starts OpenTelemetry for the process. Spans are always created, so trace context always propagates. */
export function startTelemetry(options: TelemetryOptions): { shutdown(): Promise<void> } {
  const processors = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })));
  }
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: processors,
    textMapPropagator: propagator,
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

export function tracer() {
  return trace.getTracer('powernode');
}

/** The context a W3C `traceparent` value names (or the active one if absent). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!traceparent) return context.active();
  return propagator.extract(context.active(), { traceparent }, carrierGetter);
}

/** The `traceparent` of a context's current span, for NATS headers and event envelopes. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, carrierSetter);
  return carrier.traceparent;
}

/** Runs `fn` inside a new span whose parent is `parent` (a traceparent) or the active span. */
export async function inSpan<T>(
  name: string,
  parent: string | null | undefined,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parentContext = contextFromTraceparent(parent);
  const span = tracer().startSpan(name, { attributes }, parentContext);
  return context.with(trace.setSpan(parentContext, span), async () => {
    try {
      return await fn();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Synchronous variant for pure code paths (projection evolve). */
export function inSpanSync<T>(name: string, parent: string | null | undefined, attributes: Attributes, fn: () => T): T {
  const parentContext = contextFromTraceparent(parent);
  const span = tracer().startSpan(name, { attributes }, parentContext);
  try {
    return context.with(trace.setSpan(parentContext, span), fn);
  } finally {
    span.end();
  }
}
