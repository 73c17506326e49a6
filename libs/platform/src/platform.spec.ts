import { z } from 'zod';
import { baseConfigSchema, ConfigurationError, DEFAULT_POOL_SIZES, loadConfig } from './config';
import { JsonLogger, redact } from './logger';
import { apiKeyBindings, findApiKey, parseApiKeys, signToken, verifyToken } from './tokens';

describe('configuration', () => {
  const schema = baseConfigSchema('intake', 3001);

  it('runs the local stack on defaults', () => {
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({ PORT: 3001, DATABASE_NAME: 'handoff_intake', KAFKA_BROKERS: ['127.0.0.1:9092'], EVENT_STORE: 'postgres' });
  });

  it('names every bad variable', () => {
    try {
      loadConfig(schema, { PORT: 'eighty', KAFKA_BROKERS: 'nohostport', EVENT_STORE: 'mongo' });
      throw new Error('expected a ConfigurationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).problems.map((problem) => problem.variable).sort()).toEqual(['EVENT_STORE', 'KAFKA_BROKERS', 'PORT']);
    }
  });

  it('bounds a whole stack to 20 PostgreSQL connections by default (README: connection budget)', () => {
    const services = ['intake', 'routing', 'followup', 'evaluation'];
    const pools = services.map((service) => {
      const config = loadConfig(baseConfigSchema(service, 3001), {});
      return config.DATABASE_POOL_READ_MODELS + config.DATABASE_POOL_EVENT_STORE + config.DATABASE_POOL_VAULT;
    });
    // Beyond the pools: routing's queue LISTEN session, and evaluation's pool on each other service's store.
    const sessions = 1 + 3 * DEFAULT_POOL_SIZES.evaluation.audit;
    expect(pools.reduce((sum, size) => sum + size, 0) + sessions).toBeLessThanOrEqual(20);
  });

  it('takes pool sizes per service from the environment and refuses an empty pool', () => {
    expect(loadConfig(schema, { DATABASE_POOL_EVENT_STORE: '4', DATABASE_POOL_TIMEOUT_MS: '1000' })).toMatchObject({ DATABASE_POOL_EVENT_STORE: 4, DATABASE_POOL_TIMEOUT_MS: 1000 });
    expect(() => loadConfig(schema, { DATABASE_POOL_READ_MODELS: '0' })).toThrow(/DATABASE_POOL_READ_MODELS/);
  });

  it('keeps processed-event marks a week by default, never less than a day, and prunes hourly unless turned off', () => {
    expect(loadConfig(schema, {})).toMatchObject({ PROCESSED_EVENTS_RETENTION_HOURS: 168, PROCESSED_EVENTS_PRUNE_INTERVAL_MINUTES: 60 });
    expect(loadConfig(schema, { PROCESSED_EVENTS_PRUNE_INTERVAL_MINUTES: '0' })).toMatchObject({ PROCESSED_EVENTS_PRUNE_INTERVAL_MINUTES: 0 });
    expect(() => loadConfig(schema, { PROCESSED_EVENTS_RETENTION_HOURS: '1' })).toThrow(/PROCESSED_EVENTS_RETENTION_HOURS/);
    expect(() => loadConfig(schema, { PROCESSED_EVENTS_PRUNE_INTERVAL_MINUTES: 'hourly' })).toThrow(/PROCESSED_EVENTS_PRUNE_INTERVAL_MINUTES/);
  });

  it('holds an idle fetch 3 s by default, never so long that the consumer misses its heartbeats (shorter for a short session)', () => {
    expect(loadConfig(schema, {})).toMatchObject({ KAFKA_CONSUMER_MAX_WAIT_MS: 3000, KAFKA_SESSION_TIMEOUT_MS: 10_000 });
    expect(loadConfig(schema, { KAFKA_CONSUMER_MAX_WAIT_MS: '10000', KAFKA_SESSION_TIMEOUT_MS: '30000' })).toMatchObject({ KAFKA_CONSUMER_MAX_WAIT_MS: 10_000 });
    expect(() => loadConfig(schema, { KAFKA_CONSUMER_MAX_WAIT_MS: '5000' })).toThrow(/KAFKA_CONSUMER_MAX_WAIT_MS: must be at most a third of KAFKA_SESSION_TIMEOUT_MS \(10000 ms\)/);
    // Unset, it fits itself to a short session instead of refusing to start.
    expect(loadConfig(schema, { KAFKA_SESSION_TIMEOUT_MS: '6000' })).toMatchObject({ KAFKA_CONSUMER_MAX_WAIT_MS: 2000 });
  });

  it('commits applied offsets once a second by default, after every batch at 0, and refuses a negative interval', () => {
    expect(loadConfig(schema, {})).toMatchObject({ KAFKA_CONSUMER_COMMIT_INTERVAL_MS: 1000 });
    expect(loadConfig(schema, { KAFKA_CONSUMER_COMMIT_INTERVAL_MS: '0' })).toMatchObject({ KAFKA_CONSUMER_COMMIT_INTERVAL_MS: 0 });
    expect(() => loadConfig(schema, { KAFKA_CONSUMER_COMMIT_INTERVAL_MS: '-1' })).toThrow(/KAFKA_CONSUMER_COMMIT_INTERVAL_MS/);
  });

  it('lingers after a short batch in evaluation and follow-up only, by default, and never long enough to miss heartbeats', () => {
    expect(loadConfig(baseConfigSchema('evaluation', 3004), {})).toMatchObject({ KAFKA_CONSUMER_LINGER_MS: 250 });
    expect(loadConfig(baseConfigSchema('followup', 3003), {})).toMatchObject({ KAFKA_CONSUMER_LINGER_MS: 250 });
    expect(loadConfig(baseConfigSchema('routing', 3002), {})).toMatchObject({ KAFKA_CONSUMER_LINGER_MS: 0 });
    expect(loadConfig(baseConfigSchema('intake', 3001), {})).toMatchObject({ KAFKA_CONSUMER_LINGER_MS: 250 });
    expect(loadConfig(baseConfigSchema('evaluation', 3004), { KAFKA_CONSUMER_LINGER_MS: '0' })).toMatchObject({ KAFKA_CONSUMER_LINGER_MS: 0 });
    expect(() => loadConfig(baseConfigSchema('routing', 3002), { KAFKA_CONSUMER_LINGER_MS: '1001' })).toThrow(/KAFKA_CONSUMER_LINGER_MS/);
  });

  it('stores the relay checkpoint once a second by default, after every page at 0, and refuses a negative interval', () => {
    expect(loadConfig(schema, {})).toMatchObject({ RELAY_CHECKPOINT_INTERVAL_MS: 1000 });
    expect(loadConfig(schema, { RELAY_CHECKPOINT_INTERVAL_MS: '0' })).toMatchObject({ RELAY_CHECKPOINT_INTERVAL_MS: 0 });
    expect(() => loadConfig(schema, { RELAY_CHECKPOINT_INTERVAL_MS: '-1' })).toThrow(/RELAY_CHECKPOINT_INTERVAL_MS/);
  });

  it('spaces the relay\'s busy reads 25 ms apart by default, not at all at 0, and refuses more than a second', () => {
    expect(loadConfig(schema, {})).toMatchObject({ RELAY_MIN_READ_GAP_MS: 25 });
    expect(loadConfig(schema, { RELAY_MIN_READ_GAP_MS: '0' })).toMatchObject({ RELAY_MIN_READ_GAP_MS: 0 });
    expect(() => loadConfig(schema, { RELAY_MIN_READ_GAP_MS: '1001' })).toThrow(/RELAY_MIN_READ_GAP_MS/);
  });

  it('takes an OTLP endpoint only as an http(s) URL', () => {
    expect(loadConfig(schema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    for (const variable of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
      for (const value of ['collector:4318', 'grpc://collector:4317']) {
        expect(() => loadConfig(schema, { [variable]: value })).toThrow(expect.objectContaining({ problems: [expect.objectContaining({ variable })] }));
      }
    }
  });

  it('reads only its own variables', () => {
    expect(loadConfig(z.object({ A: z.string().default('x') }), { A: 'y', PATH: '/bin' })).toEqual({ A: 'y' });
  });
});

describe('tokens and API keys', () => {
  const secret = 'a-secret-of-sufficient-length';
  const now = new Date('2026-11-23T08:00:00Z');

  it('round-trips an actor', () => {
    const token = signToken({ sub: 'h-1', role: 'department_handler', department: 'billing' }, secret, { now });
    expect(verifyToken(token, secret, now)).toEqual({ ok: true, actor: { id: 'h-1', role: 'department_handler', department: 'billing' } });
  });

  it('refuses a forged, expired, or department-less token', () => {
    const token = signToken({ sub: 'h-1', role: 'cs' }, secret, { now, ttlSeconds: 60 });
    expect(verifyToken(token, 'another-secret-entirely', now)).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyToken(token, secret, new Date(now.getTime() + 61_000))).toEqual({ ok: false, reason: 'token expired' });
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'management', exp: 9e9 })).toString('base64url')}.${signature}`;
    expect(verifyToken(tampered, secret, now).ok).toBe(false);
    expect(verifyToken(signToken({ sub: 'h', role: 'department_manager' }, secret, { now }), secret, now)).toEqual({
      ok: false,
      reason: 'department roles need a department',
    });
  });

  it('never issues the system role to a person', () => {
    expect(verifyToken(signToken({ sub: 'x', role: 'system' }, secret, { now }), secret, now).ok).toBe(false);
  });

  it('finds a system by its key', () => {
    const keys = parseApiKeys('crm=0123456789abcdef,chat=fedcba9876543210');
    expect(findApiKey(keys, 'fedcba9876543210')).toEqual({ id: 'system:chat', role: 'system' });
    expect(findApiKey(keys, 'nope')).toBeUndefined();
  });

  it('binds a key to the source systems it may post for; a key without a binding has none', () => {
    const spec = 'crm=0123456789abcdef:crm-eu|crm-asia,chat=fedcba9876543210';
    expect(findApiKey(parseApiKeys(spec), '0123456789abcdef')).toEqual({ id: 'system:crm', role: 'system' });
    expect(findApiKey(parseApiKeys(spec), '0123456789abcdef:crm-eu|crm-asia')).toBeUndefined();
    expect([...apiKeyBindings(spec)]).toEqual([['system:crm', ['crm-eu', 'crm-asia']]]);
  });

  it('stops on a binding it cannot read, naming AUTH_API_KEYS', () => {
    const schema = baseConfigSchema('intake', 3001);
    expect(() => loadConfig(schema, { AUTH_API_KEYS: 'crm=0123456789abcdef:crm-eu|crm-asia,chat=fedcba9876543210' })).not.toThrow();
    for (const bad of ['crm=0123456789abcdef:', 'crm=0123456789abcdef:crm||x', 'crm=0123456789abcdef:bad source']) {
      expect(() => loadConfig(schema, { AUTH_API_KEYS: bad })).toThrow(/AUTH_API_KEYS/);
    }
  });
});

describe('logs never carry contact details', () => {
  it('masks e-mail addresses and phone numbers but keeps dates and ids', () => {
    expect(redact('reach li.lei@example.com or +86 138-0013-8000 by 2026-11-23T08:00:00Z')).toBe(
      'reach [redacted-email] or [redacted-phone] by 2026-11-23T08:00:00Z',
    );
  });

  it('masks them in structured fields and error messages too', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('intake', 'info', (line) => lines.push(line));
    logger.event('error', 'failed', { error: new Error('bad address han@example.org'), phone: '13800138000' });
    expect(lines.join('\n')).not.toMatch(/han@example\.org|13800138000/);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', service: 'intake', msg: 'failed' });
  });
});
