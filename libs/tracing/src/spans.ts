import { context, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanKind, type Tracer } from '@opentelemetry/api';

/** Every Handoff span comes from one instrumentation scope, named after the library that made it. */
export const tracerOf = (library: string): Tracer => trace.getTracer(library);

/**
 * Marks a span failed with the error's class and code only: an error's message can quote the
 * payload it choked on (a contact's phone number included), and span data leaves the process.
 */
export function recordFailure(span: Span, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  span.setAttribute('error.type', typeof code === 'string' ? `${name} ${code}` : name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: name });
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** The parent; default the active context. */
  readonly parent?: Context;
}

/** Runs `work` inside a new active span, ended when it settles (failed with the error's class when it throws). */
export async function inSpan<T>(tracer: Tracer, name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** The trace and span ids of the active span, for a log line; nothing without one. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  if (!span || !trace.isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId };
}
