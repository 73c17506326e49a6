import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram, Summary } from 'prom-client';
import { z } from 'zod';
import { baseConfigSchema, ConsumerGroups, loadConfig, PlatformModule, ServiceMetrics } from '@handoff/platform';
import { k8sRoot, readYaml, repoRoot } from './manifests';

const observability = join(repoRoot, 'infra', 'observability');

/**
 * Every series name a service exposes, read from the registry the platform module builds, with
 * the gauges it adds when wired to its sources (stand-ins here: a gauge asks them only when scraped).
 */
function registeredSeries(): Set<string> {
  const module = PlatformModule.forService({ name: 'intake', ownTopic: 'intake.events', streamPrefix: 'intake-', entities: [], migrations: [] }, loadConfig(baseConfigSchema('intake', 3001), {}));
  type Provider = { provide: unknown; useValue?: unknown; useFactory?: (...args: unknown[]) => unknown };
  const providers = module.providers as Provider[];
  const metrics = providers.find((provider) => provider.provide === ServiceMetrics)!.useValue as ServiceMetrics;
  const sources = providers.find((provider) => provider.provide === 'METRIC_SOURCES')!;
  // dataSource, relay, store, vault, consumer groups, Kafka lag, the relay-lag probe (PostgreSQL store).
  sources.useFactory!({}, { heldBackSeconds: () => 0 }, {}, null, new ConsumerGroups(), {}, {});
  return new Set(
    metrics.registry.getMetricsAsArray().flatMap((metric) => {
      const { name } = metric as unknown as { name: string };
      if (metric instanceof Histogram) return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
      if (metric instanceof Summary) return [name, `${name}_sum`, `${name}_count`];
      return [name];
    }),
  );
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression selects (not its functions, keywords, labels or strings). */
function metricNames(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  let depth = 0;
  for (const character of bare) {
    depth += character === '(' ? 1 : character === ')' ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0) throw new Error(`unbalanced parentheses in ${expression}`);
  const names: string[] = [];
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const before = bare[match.index - 1] ?? ' ';
    if (/[0-9.$]/.test(before)) continue;
    if (bare.slice(match.index + match[0].length).trimStart().startsWith('(')) continue;
    if (PROMQL_WORDS.has(match[0].toLowerCase())) continue;
    names.push(match[0]);
  }
  return names;
}

const target = z.object({ refId: z.string().min(1), expr: z.string().min(1), legendFormat: z.string().optional() });
const panel = z.object({
  id: z.number().int().positive(),
  type: z.enum(['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'heatmap', 'text', 'row']),
  title: z.string().min(1),
  gridPos: z.object({ x: z.number().int().min(0).max(23), y: z.number().int().min(0), w: z.number().int().min(1).max(24), h: z.number().int().min(1) }).refine((grid) => grid.x + grid.w <= 24, 'a panel must fit the 24-column grid'),
  datasource: z.object({ type: z.literal('prometheus'), uid: z.string() }),
  targets: z.array(target).min(1).refine((targets) => new Set(targets.map((one) => one.refId)).size === targets.length, 'refIds must differ'),
});
/** The parts of Grafana's dashboard model (schemaVersion 39) that decide whether it imports and draws. */
const dashboardSchema = z.object({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(36),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.enum(['datasource', 'query', 'custom', 'interval', 'constant']) }).loose()) }),
  panels: z.array(panel.loose()).min(1).refine((panels) => new Set(panels.map((one) => one.id)).size === panels.length, 'panel ids must differ'),
}).loose();

/** Prometheus' rule file format (alerting rules). */
const rulesSchema = z.strictObject({
  groups: z.array(
    z.strictObject({
      name: z.string().min(1),
      rules: z.array(
        z.strictObject({
          alert: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
          expr: z.string().min(1),
          for: z.string().regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/).optional(),
          labels: z.object({ severity: z.enum(['critical', 'warning', 'info']) }).catchall(z.string()),
          annotations: z.object({ summary: z.string().min(1), description: z.string().min(1) }).catchall(z.string()),
        }),
      ).min(1),
    }),
  ).min(1),
});

type Dashboard = z.infer<typeof dashboardSchema> & { templating: { list: { query?: unknown }[] } };
type Rules = z.infer<typeof rulesSchema>;

const dashboardExpressions = (dashboard: Dashboard): string[] => [
  ...dashboard.panels.flatMap((one) => one.targets.map((query) => query.expr)),
  ...dashboard.templating.list.flatMap((variable) => {
    const query = typeof variable.query === 'object' && variable.query !== null ? (variable.query as { query?: string }).query : undefined;
    const labelValues = /^label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(query ?? '');
    return labelValues ? [labelValues[1]] : [];
  }),
];
const ruleExpressions = (rules: Rules): string[] => rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));

function unknownMetrics(expressions: readonly string[], known: ReadonlySet<string>): string[] {
  return [...new Set(expressions.flatMap(metricNames))].filter((name) => !known.has(name));
}

describe('dashboards and alerts (infra/observability)', () => {
  const known = registeredSeries();
  const dashboard = JSON.parse(readFileSync(join(observability, 'grafana-dashboard.json'), 'utf8')) as Dashboard;
  const [rules] = readYaml(join(observability, 'alerts.yaml')) as Rules[];

  it('reads the series names from the services’ registry, the scrape-time gauges among them', () => {
    for (const name of ['handoff_http_requests_total', 'handoff_http_request_duration_seconds_bucket', 'handoff_consumer_lag_messages', 'handoff_relay_horizon_held_back_seconds', 'process_cpu_seconds_total']) {
      expect(known.has(name)).toBe(true);
    }
  });

  it('picks the metric names out of PromQL, and no function, keyword, label or duration', () => {
    expect(
      metricNames('sum by (service) (rate(handoff_http_requests_total{status=~"5..", route!="x"}[5m] offset 1h)) / on (service) group_left sum without (le) (up) > bool 1e3'),
    ).toEqual(['handoff_http_requests_total', 'up']);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(a_bucket{service=~"$service"}[$__rate_interval])))')).toEqual(['a_bucket']);
    expect(() => metricNames('sum(rate(a[5m])')).toThrow('unbalanced');
  });

  it('the dashboard is a Grafana dashboard whose every query asks for metrics the services register', () => {
    expect(dashboardSchema.safeParse(dashboard).error?.issues ?? []).toEqual([]);
    const expressions = dashboardExpressions(dashboard);
    expect(expressions.length).toBeGreaterThan(10);
    expect(unknownMetrics(expressions, known)).toEqual([]);
  });

  it('the alert rules are a Prometheus rule file over registered metrics, for lag, dead letters, the horizon and 5xx', () => {
    expect(rulesSchema.safeParse(rules).error?.issues ?? []).toEqual([]);
    expect(unknownMetrics(ruleExpressions(rules), known)).toEqual([]);
    const selected = (metric: string) => rules.groups.flatMap((group) => group.rules).filter((rule) => metricNames(rule.expr).includes(metric));
    expect(selected('handoff_consumer_lag_messages')).not.toHaveLength(0);
    expect(selected('handoff_relay_lag_seconds')).not.toHaveLength(0);
    expect(selected('handoff_dead_lettered_total')).not.toHaveLength(0);
    expect(selected('handoff_relay_horizon_held_back_seconds')).not.toHaveLength(0);
    expect(selected('handoff_http_requests_total').some((rule) => rule.expr.includes('status=~"5.."'))).toBe(true);
  });

  it('the PrometheusRule for prometheus-operator carries the same groups as the rule file', () => {
    const [prometheusRule] = readYaml(join(k8sRoot, 'components', 'monitoring', 'prometheusrule.yaml')) as { spec: { groups: unknown } }[];
    expect(prometheusRule.spec.groups).toEqual(rules.groups);
  });

  it('finds a renamed metric, a malformed dashboard and a malformed rule', () => {
    const renamed = JSON.parse(JSON.stringify(dashboard)) as Dashboard;
    renamed.panels[0].targets[0].expr = renamed.panels[0].targets[0].expr.replace('handoff_http_requests_total', 'handoff_http_requests');
    expect(unknownMetrics(dashboardExpressions(renamed), known)).toEqual(['handoff_http_requests']);
    expect(unknownMetrics(['max(handoff_relay_horizon_held_back)'], known)).toEqual(['handoff_relay_horizon_held_back']);

    const overlapping = JSON.parse(JSON.stringify(dashboard)) as Dashboard;
    overlapping.panels[1].gridPos = { ...overlapping.panels[1].gridPos, x: 20 };
    overlapping.panels[2].id = overlapping.panels[3].id;
    expect(dashboardSchema.safeParse(overlapping).error?.issues.map((issue) => issue.message)).toEqual(['a panel must fit the 24-column grid', 'panel ids must differ']);

    const broken = JSON.parse(JSON.stringify(rules)) as Rules & { groups: { rules: Record<string, unknown>[] }[] };
    broken.groups[0].rules[0].for = '10 minutes';
    delete (broken.groups[0].rules[1].labels as Record<string, unknown>).severity;
    broken.groups[1].rules[0].expression = broken.groups[1].rules[0].expr;
    expect(rulesSchema.safeParse(broken).error?.issues.map((issue) => issue.path.join('.'))).toEqual(['groups.0.rules.0.for', 'groups.0.rules.1.labels.severity', 'groups.1.rules.0']);
  });
});
