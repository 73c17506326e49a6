export interface Tracing {
  /** Spans are exported: an OTLP endpoint is configured. */
  readonly enabled: boolean;
  /** Exports what is still buffered and stops; a service calls it last on shutdown. */
  shutdown(): Promise<void>;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Tracing is on when the standard variables name an OTLP endpoint, and the standard switches
 * have not turned it off. Off, no provider is registered: the API's no-op tracer makes every
 * span in the code a few calls that allocate nothing, and no `traceparent` is stored or sent.
 */
export function tracingConfigured(env: Environment = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter && exporter !== 'otlp') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

const OFF: Tracing = { enabled: false, shutdown: async () => undefined };

let started: Tracing | undefined;

/**
 * Registers the OTLP/HTTP exporter (JSON to `<endpoint>/v1/traces`, as the exporter reads the
 * standard variables), the W3C propagator and the async-hooks context manager for this process.
 * `service.name` is the service's own unless OTEL_SERVICE_NAME (or OTEL_RESOURCE_ATTRIBUTES) names
 * one. Once per process: a second call (a test module started twice) gets the first one's handle.
 */
export function startTracing(serviceName: string, env: Environment = process.env): Tracing {
  if (started) return started;
  if (!tracingConfigured(env)) return (started = OFF);
  // Loaded only now: the SDK and its exporter are about 180 modules, which a service with tracing
  // off would load at every start for nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { registerTracerProvider } = require('./sdk') as typeof import('./sdk');
  const provider = registerTracerProvider(serviceName);
  let stopping: Promise<void> | undefined;
  started = {
    enabled: true,
    shutdown: () => (stopping ??= provider.shutdown().catch(() => undefined)),
  };
  return started;
}
