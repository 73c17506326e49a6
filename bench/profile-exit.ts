/**
 * Preloaded into the services when they are profiled (BENCH_SERVICE_NODE_ARGS with --cpu-prof):
 * Nest's shutdown hook closes the app and then raises the signal again, and a process killed by
 * a signal never writes its profile. This one lets the first signal through to Nest and turns
 * the second into a normal exit, which writes it.
 */
let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (++signals > 1) process.exit(0);
  });
}
