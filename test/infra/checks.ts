import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { TOPICS } from '@handoff/contracts';
import { baseConfigSchema } from '@handoff/platform';
import { evaluationConfigSchema } from '../../apps/evaluation/src/config';
import { followupConfigSchema } from '../../apps/followup/src/config';
import { intakeConfigSchema } from '../../apps/intake/src/config';
import { routingConfigSchema } from '../../apps/routing/src/config';
import { repoRoot, type Manifest } from './manifests';

/** What each workload reads: a service's config schema, or the consoles' server's variables. */
export const SERVICE_SCHEMAS: Record<string, z.ZodObject> = {
  intake: intakeConfigSchema,
  routing: routingConfigSchema,
  followup: followupConfigSchema,
  evaluation: evaluationConfigSchema,
};

/** The migration Job reads the base schema, and each service's database name (apps/audit/src/migrate.ts). */
const MIGRATE_VARIABLES = [...Object.keys(baseConfigSchema('migrate', 1).shape), ...Object.keys(SERVICE_SCHEMAS).map((service) => `${service.toUpperCase()}_DATABASE_NAME`)];

/** The variables scripts/web.js reads, taken from what it asks of the environment. */
export function webVariables(): string[] {
  const read = new Set<string>();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const web = require(join(repoRoot, 'scripts', 'web.js')) as { webOptionsFromEnv(env: NodeJS.ProcessEnv): unknown; webPort(env: NodeJS.ProcessEnv): number };
  const recorder = new Proxy({} as NodeJS.ProcessEnv, { get: (_target, key) => (typeof key === 'string' && read.add(key), undefined) });
  web.webOptionsFromEnv(recorder);
  web.webPort(recorder);
  // The listen address is read only where the script runs as the main module.
  for (const match of readFileSync(join(repoRoot, 'scripts', 'web.js'), 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) read.add(match[1]);
  return [...read];
}

/**
 * The variables a deployed service must be given: those it cannot start without, and those whose
 * default only works on a developer's machine (loopback addresses, the local development secrets).
 */
export function variablesToSet(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape).flatMap(([name, field]) => {
    const parsed = (field as z.ZodType).safeParse(undefined);
    if (!parsed.success) return [name];
    const value = parsed.data;
    const text = Buffer.isBuffer(value) ? value.toString('utf8') : JSON.stringify(value ?? '');
    return /127\.0\.0\.1|localhost|local/.test(text) ? [name] : [];
  });
}

const byKind = (objects: readonly Manifest[], kind: string) => objects.filter((object) => object.kind === kind);

interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
}
type PodSpec = { containers: Container[] };
type Workload = Manifest & { spec: { selector?: { matchLabels?: Record<string, string> }; template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec } } };

/** Secrets an operator writes for a resource here: CloudNativePG's application user of each Cluster. */
function operatorSecrets(objects: readonly Manifest[]): Map<string, Record<string, string>> {
  const secrets = new Map<string, Record<string, string>>();
  for (const cluster of byKind(objects, 'Cluster')) {
    const { bootstrap } = cluster.spec as { bootstrap?: { initdb?: { database?: string; owner?: string } } };
    const user = bootstrap?.initdb?.owner ?? 'app';
    const database = bootstrap?.initdb?.database ?? 'app';
    const host = `${cluster.metadata.name}-rw`;
    secrets.set(`${cluster.metadata.name}-app`, { username: user, password: 'from-the-operator', host, port: '5432', dbname: database, uri: `postgresql://${user}:from-the-operator@${host}:5432/${database}` });
  }
  return secrets;
}

/** The ConfigMaps and Secrets of the objects (and the operators'), as name → key → value. */
function sources(objects: readonly Manifest[]): { configMaps: Map<string, Record<string, string>>; secrets: Map<string, Record<string, string>> } {
  const configMaps = new Map(byKind(objects, 'ConfigMap').map((map) => [map.metadata.name, { ...((map.data as Record<string, string>) ?? {}) }]));
  const secrets = operatorSecrets(objects);
  for (const secret of byKind(objects, 'Secret')) {
    const data = Object.fromEntries(Object.entries((secret.data as Record<string, string>) ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
    secrets.set(secret.metadata.name, { ...data, ...((secret.stringData as Record<string, string>) ?? {}) });
  }
  return { configMaps, secrets };
}

/** Each container's environment as the pod would get it; problems for a reference that resolves to nothing. */
export function environmentOf(container: Container, objects: readonly Manifest[], problems: string[], where: string): Map<string, string> {
  const { configMaps, secrets } = sources(objects);
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const [kind, name, found] = from.configMapRef ? ['ConfigMap', from.configMapRef.name, configMaps.get(from.configMapRef.name)] : ['Secret', from.secretRef!.name, secrets.get(from.secretRef!.name)];
    if (!found) problems.push(`${where}: envFrom names ${kind} ${name}, which nothing creates`);
    for (const [key, value] of Object.entries(found ?? {})) env.set(key, value);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
    if (!ref) {
      env.set(variable.name, variable.value ?? '');
      continue;
    }
    const table = variable.valueFrom?.secretKeyRef ? secrets : configMaps;
    const value = table.get(ref.name)?.[ref.key];
    if (value === undefined) problems.push(`${where}: ${variable.name} comes from ${ref.name}/${ref.key}, which nothing creates`);
    env.set(variable.name, value ?? '');
  }
  return env;
}

function workloads(objects: readonly Manifest[]): { object: Workload; container: Container; where: string }[] {
  return [...byKind(objects, 'Deployment'), ...byKind(objects, 'Job')].flatMap((object) =>
    (object as Workload).spec.template.spec.containers.map((container) => ({ object: object as Workload, container, where: `${object.kind} ${object.metadata.name}` })),
  );
}

/**
 * Every variable a workload is given is one its program reads, every one it must be given is
 * there, and the values pass the service's own validation (as at start-up), so a typo in a name
 * or a value stops the test rather than a pod.
 */
export function environmentProblems(objects: readonly Manifest[], { parseValues }: { parseValues: boolean }): string[] {
  const problems: string[] = [];
  const web = webVariables();
  for (const { object, container, where } of workloads(objects)) {
    const env = environmentOf(container, objects, problems, where);
    const schema = SERVICE_SCHEMAS[object.metadata.name];
    const known = schema ? Object.keys(schema.shape) : object.kind === 'Job' ? MIGRATE_VARIABLES : object.metadata.name === 'web' ? web : undefined;
    if (!known) {
      problems.push(`${where}: no config schema known for it`);
      continue;
    }
    for (const name of env.keys()) if (!known.includes(name)) problems.push(`${where}: sets ${name}, which its program does not read`);
    const toSet = schema ? variablesToSet(schema) : object.kind === 'Job' ? variablesToSet(baseConfigSchema('migrate', 1)).filter((name) => name !== 'HOST') : ['AUTH_TOKEN_SECRET', 'WEB_HOST', ...web.filter((name) => name.endsWith('_URL'))];
    for (const name of toSet) if (!env.has(name)) problems.push(`${where}: does not set ${name}`);
    if (schema && parseValues) {
      const parsed = schema.safeParse(Object.fromEntries([...env].filter(([, value]) => value !== '')));
      if (!parsed.success) for (const issue of parsed.error.issues) problems.push(`${where}: ${issue.path.join('.')}: ${issue.message}`);
    }
  }
  return problems;
}

/** The services' probes ask the endpoints meant for them, on the port the service listens on. */
export function probeProblems(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  for (const { object, container, where } of workloads(objects)) {
    const requests = container.resources?.requests ?? {};
    if (!requests.cpu || !requests.memory || !container.resources?.limits?.memory) problems.push(`${where}: needs cpu and memory requests and a memory limit`);
    if (!SERVICE_SCHEMAS[object.metadata.name]) continue;
    const port = container.env?.find((variable) => variable.name === 'PORT')?.value;
    const portOf = (probe?: Probe) => {
      const named = probe?.httpGet?.port;
      return String(typeof named === 'string' ? container.ports?.find((candidate) => candidate.name === named)?.containerPort : named);
    };
    for (const [kind, path] of [
      ['livenessProbe', '/health/live'],
      ['readinessProbe', '/health/ready'],
    ] as const) {
      const probe = container[kind];
      if (probe?.httpGet?.path !== path) problems.push(`${where}: ${kind} must ask ${path}, asks ${probe?.httpGet?.path ?? 'nothing'}`);
      else if (portOf(probe) !== port) problems.push(`${where}: ${kind} asks port ${portOf(probe)}, the service listens on ${port}`);
    }
  }
  return problems;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** Each Deployment has a disruption budget, an autoscaler no wider than the partitions, and a Service that reaches it. */
export function availabilityProblems(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  const partitions = Number(byKind(objects, 'ConfigMap').find((map) => map.metadata.name.startsWith('handoff-config'))?.data?.['KAFKA_TOPIC_PARTITIONS' as never]);
  for (const deployment of byKind(objects, 'Deployment') as Workload[]) {
    const name = deployment.metadata.name;
    const labels = deployment.spec.template.metadata?.labels;
    if (!matches(deployment.spec.selector?.matchLabels, labels)) problems.push(`Deployment ${name}: its selector does not match its pods`);
    const budget = byKind(objects, 'PodDisruptionBudget').find((pdb) => matches((pdb.spec as Workload['spec']).selector?.matchLabels, labels));
    if (!budget) problems.push(`Deployment ${name}: no PodDisruptionBudget selects its pods`);
    const scaler = byKind(objects, 'HorizontalPodAutoscaler').find((hpa) => (hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef.name === name);
    if (!scaler) problems.push(`Deployment ${name}: no HorizontalPodAutoscaler scales it`);
    const { maxReplicas } = (scaler?.spec ?? {}) as { maxReplicas?: number };
    if (SERVICE_SCHEMAS[name] && maxReplicas !== undefined && maxReplicas > partitions) problems.push(`Deployment ${name}: scales to ${maxReplicas}, beyond the ${partitions} partitions its consumer can share`);
    const service = byKind(objects, 'Service').find((candidate) => matches((candidate.spec as { selector?: Record<string, string> }).selector, labels));
    if (!service) problems.push(`Deployment ${name}: no Service reaches it`);
  }
  return problems;
}

/** Every topic of the contracts is a KafkaTopic, with the partitions the services expect and a safe in-sync minimum. */
export function topicProblems(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  const partitions = Number(byKind(objects, 'ConfigMap').find((map) => map.metadata.name.startsWith('handoff-config'))?.data?.['KAFKA_TOPIC_PARTITIONS' as never]);
  const topics = byKind(objects, 'KafkaTopic').map((topic) => topic.spec as { topicName?: string; partitions: number; replicas: number; config?: Record<string, unknown> } & { name: string });
  const named = byKind(objects, 'KafkaTopic').map((topic) => (topic.spec as { topicName?: string }).topicName ?? topic.metadata.name);
  for (const topic of Object.values(TOPICS)) {
    const index = named.indexOf(topic);
    if (index < 0) {
      problems.push(`topic ${topic}: no KafkaTopic`);
      continue;
    }
    const spec = topics[index];
    if (spec.partitions !== partitions) problems.push(`topic ${topic}: ${spec.partitions} partitions, the services create ${partitions} (KAFKA_TOPIC_PARTITIONS)`);
    const minimum = Number(spec.config?.['min.insync.replicas']);
    if (!(minimum >= 1 && minimum <= spec.replicas)) problems.push(`topic ${topic}: min.insync.replicas ${spec.config?.['min.insync.replicas']} with ${spec.replicas} replicas`);
    if (spec.replicas > 1 && minimum >= spec.replicas) problems.push(`topic ${topic}: min.insync.replicas ${minimum} of ${spec.replicas} replicas stops writes when one broker is down`);
  }
  return problems;
}
