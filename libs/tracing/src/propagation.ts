import { context, ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * The W3C propagator itself rather than the global one: a stored event or a Kafka message carries
 * `traceparent` whichever propagator an operator registers, and with tracing off there is no span,
 * so nothing is written and nothing is read.
 */
const W3C = new W3CTraceContextPropagator();

/** The W3C `traceparent` (and `tracestate`, when there is one) of a span. */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const recordGetter: TextMapGetter<Partial<Record<string, string>>> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};

/** The trace context of `from` (default: the active one) as W3C fields; undefined when no span is in it. */
export function traceCarrierOf(from: Context = context.active()): TraceCarrier | undefined {
  const carrier: Record<string, string> = {};
  W3C.inject(from, carrier, recordSetter);
  if (!carrier.traceparent) return undefined;
  return { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) };
}

/**
 * The context whose remote parent `carrier` names; `base` itself when it names none or is not a
 * valid `traceparent` (a malformed header starts a new trace instead of failing the message).
 */
export function contextOfCarrier(carrier: Partial<TraceCarrier> | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!carrier?.traceparent) return base;
  return W3C.extract(base, { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) }, recordGetter);
}

/** Kafka headers as kafkajs types them (kept structural so this library needs no Kafka client). */
export type MessageHeaders = { [key: string]: Buffer | string | (Buffer | string)[] | undefined };

const headerGetter: TextMapGetter<MessageHeaders> = {
  get: (headers, key) => {
    const value = headers[key];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
  keys: (headers) => Object.keys(headers),
};

const headerSetter: TextMapSetter<MessageHeaders> = {
  set: (headers, key, value) => {
    headers[key] = value;
  },
};

/** Writes the trace context of `from` into a message's headers (nothing when no span is in it). */
export function injectIntoHeaders(headers: MessageHeaders, from: Context = context.active()): void {
  W3C.inject(from, headers, headerSetter);
}

/** The context a message's `traceparent` header names (ROOT_CONTEXT when it has none). */
export function contextOfHeaders(headers: MessageHeaders | undefined): Context {
  return headers ? W3C.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
}

/** Whether a span is recording in `from`: attributes that cost something to compute are skipped when not. */
export const isRecording = (from: Context = context.active()): boolean => trace.getSpan(from)?.isRecording() ?? false;
