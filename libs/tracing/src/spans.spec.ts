import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { inSpan, traceFields, tracerOf } from './spans';

describe('spans', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = tracerOf('spans.spec');

  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  it('runs work inside a span that is active for everything it awaits, and ends it', async () => {
    const seen = await inSpan(tracer, 'outer', { kind: SpanKind.SERVER }, async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inner = await inSpan(tracer, 'inner', {}, async () => traceFields());
      return { outer: outer.spanContext(), inner };
    });
    const [inner, outer] = exporter.getFinishedSpans();
    expect(outer).toMatchObject({ name: 'outer', kind: SpanKind.SERVER });
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(seen.inner).toEqual({ trace_id: seen.outer.traceId, span_id: inner.spanContext().spanId });
    expect(traceFields()).toEqual({});
  });

  it("marks a failed span with the error's class and code only: an error's message may quote a customer's details", async () => {
    const refusal = Object.assign(new Error('no customer with phone 13800138000'), { name: 'UnstorableEvent', code: 'UNSTORABLE_EVENT' });
    await expect(inSpan(tracer, 'append', {}, async () => Promise.reject(refusal))).rejects.toBe(refusal);
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UnstorableEvent' });
    expect(span.attributes).toEqual({ 'error.type': 'UnstorableEvent UNSTORABLE_EVENT' });
    expect(span.events).toEqual([]);
  });
});
