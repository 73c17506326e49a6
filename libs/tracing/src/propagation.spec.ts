import { ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { contextOfCarrier, contextOfHeaders, injectIntoHeaders, traceCarrierOf, type MessageHeaders } from './propagation';
import { traceFields } from './spans';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** A context whose active span has these ids, as a tracer would make it (without needing one). */
const contextWithSpan = (traceFlags = TraceFlags.SAMPLED): Context => trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags }));

describe('trace context propagation', () => {
  it('writes the active span as a W3C traceparent, and nothing without a span', () => {
    expect(traceCarrierOf(contextWithSpan())).toEqual({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
    expect(traceCarrierOf(contextWithSpan(TraceFlags.NONE))).toEqual({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-00` });
    expect(traceCarrierOf(ROOT_CONTEXT)).toBeUndefined();
  });

  it('reads a traceparent back as the remote parent of what comes next', () => {
    const restored = trace.getSpanContext(contextOfCarrier({ traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, tracestate: 'vendor=abc' }));
    expect(restored).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(restored?.traceState?.get('vendor')).toBe('abc');
  });

  it('starts afresh from a missing or malformed traceparent instead of failing', () => {
    for (const traceparent of [undefined, '', 'not-a-traceparent', `00-${'0'.repeat(32)}-${SPAN_ID}-01`, `00-${TRACE_ID}-${'0'.repeat(16)}-01`]) {
      expect(trace.getSpanContext(contextOfCarrier({ traceparent }))).toBeUndefined();
    }
    expect(contextOfCarrier(undefined)).toBe(ROOT_CONTEXT);
  });

  it('carries the context through Kafka headers, read back from the Buffers a consumer receives', () => {
    const headers: MessageHeaders = { 'handoff-event-id': 'e-1' };
    injectIntoHeaders(headers, contextWithSpan());
    expect(headers).toEqual({ 'handoff-event-id': 'e-1', traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });

    const received: MessageHeaders = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, Buffer.from(String(value))]));
    expect(trace.getSpanContext(contextOfHeaders(received))).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, isRemote: true });
    expect(trace.getSpanContext(contextOfHeaders({ traceparent: [Buffer.from(`00-${TRACE_ID}-${SPAN_ID}-01`)] }))?.traceId).toBe(TRACE_ID);
    expect(trace.getSpanContext(contextOfHeaders({}))).toBeUndefined();
    expect(trace.getSpanContext(contextOfHeaders(undefined))).toBeUndefined();
  });

  it('adds nothing to headers without a span', () => {
    const headers: MessageHeaders = {};
    injectIntoHeaders(headers, ROOT_CONTEXT);
    expect(headers).toEqual({});
  });

  it('gives a log line the ids of the active span, and no fields without one', () => {
    expect(traceFields()).toEqual({});
  });
});
