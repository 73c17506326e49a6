import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availabilityProblems, environmentProblems, probeProblems, topicProblems } from './checks';
import { k8sRoot, kubectlFound, kustomizationDirectories, kustomizationProblems, readYaml, render, resourceFiles, schemaErrors, type Manifest } from './manifests';

/** Files an operator creates from their `.example` before applying (never committed). */
const OPTIONAL = ['infra/k8s/overlays/production/secrets.env'];
const OVERLAYS = ['overlays/local', 'overlays/production'];

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const named = (objects: Manifest[], kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name) as Manifest & { spec: any };

describe('the Kubernetes manifests (infra/k8s)', () => {
  describe('kustomizations', () => {
    it('name only files that exist, and every resource file beside them is named', () => {
      const directories = kustomizationDirectories(k8sRoot);
      expect(directories.length).toBeGreaterThanOrEqual(4);
      expect(directories.flatMap((dir) => kustomizationProblems(dir, OPTIONAL))).toEqual([]);
    });

    it('are refused when they name a missing file or leave one out', () => {
      const dir = mkdtempSync(join(tmpdir(), 'handoff-kustomization-'));
      try {
        writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - present.yaml\n  - missing.yaml\n  - ../not-a-kustomization\n');
        writeFileSync(join(dir, 'present.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
        writeFileSync(join(dir, 'forgotten.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n');
        mkdirSync(join(dir, '..', 'not-a-kustomization'), { recursive: true });
        const problems = kustomizationProblems(dir);
        expect(problems).toEqual([
          expect.stringContaining('names missing.yaml, which does not exist'),
          expect.stringContaining('names the directory ../not-a-kustomization, which holds no kustomization.yaml'),
          expect.stringContaining('forgotten.yaml is not listed'),
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(join(dir, '..', 'not-a-kustomization'), { recursive: true, force: true });
      }
    });
  });

  describe('every resource file, against the Kubernetes and CRD schemas', () => {
    const files = resourceFiles(k8sRoot);
    const objects = files.flatMap((file) => readYaml(file).map((object) => ({ file, object: object as Manifest })));

    it('is valid', () => {
      expect(new Set(objects.map(({ object }) => object.kind))).toEqual(
        new Set(['ConfigMap', 'Namespace', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Job', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'Cluster', 'Database', 'ServiceMonitor', 'PrometheusRule']),
      );
      const errors = schemaErrors(objects.map(({ object }) => object));
      expect(objects.map(({ file, object }, index) => ({ file, name: `${object.kind} ${object.metadata.name}`, error: errors[index] })).filter(({ error }) => error !== null)).toEqual([]);
    });

    it('refuses a broken Deployment, KafkaTopic and Cluster, and a kind it has no schema for', () => {
      const deployment = clone(objects.find(({ object }) => object.kind === 'Deployment')!.object) as Manifest & { spec: any };
      deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
      const topic = clone(objects.find(({ object }) => object.kind === 'KafkaTopic')!.object) as Manifest & { spec: any };
      topic.spec.partitions = 'six';
      const cluster = clone(objects.find(({ object }) => object.kind === 'Cluster')!.object) as Manifest & { spec: any };
      delete cluster.spec.storage.size;
      cluster.spec.instances = -1;
      const unknown = { apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'KafkaTopik', metadata: { name: 'x' } };
      expect(schemaErrors([deployment, topic, cluster, unknown])).toEqual([
        expect.stringContaining('containerPort must be integer'),
        expect.stringContaining('partitions must be integer'),
        expect.stringContaining('instances must be >= 1'),
        'no schema for KafkaTopik in kafka.strimzi.io/v1beta2',
      ]);
    });
  });

  (kubectlFound ? describe : describe.skip)(kubectlFound ? 'each overlay as kustomize renders it' : 'each overlay as kustomize renders it — skipped: no kubectl on this machine', () => {
    const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, render(overlay, OPTIONAL)]));

    it.each(OVERLAYS)('%s is valid against the schemas', (overlay) => {
      const errors = schemaErrors(rendered[overlay]);
      expect(rendered[overlay].map((object, index) => ({ name: `${object.kind} ${object.metadata.name}`, error: errors[index] })).filter(({ error }) => error !== null)).toEqual([]);
    });

    it.each(OVERLAYS)('%s gives each workload exactly the variables its program reads, the required ones among them', (overlay) => {
      // The production secrets are the operator's to fill in; their values are checked only locally.
      expect(environmentProblems(rendered[overlay], { parseValues: overlay === 'overlays/local' })).toEqual([]);
    });

    it.each(OVERLAYS)('%s probes /health/live and /health/ready on the service port, with resources', (overlay) => {
      expect(probeProblems(rendered[overlay])).toEqual([]);
    });

    it.each(OVERLAYS)('%s has a disruption budget, an autoscaler and a Service per Deployment', (overlay) => {
      expect(availabilityProblems(rendered[overlay])).toEqual([]);
    });

    it.each(OVERLAYS)('%s has a KafkaTopic per topic of the contracts, as the services would create it', (overlay) => {
      expect(topicProblems(rendered[overlay])).toEqual([]);
    });

    it('the production overlay keeps writes safe through the loss of one broker', () => {
      const production = rendered['overlays/production'];
      expect(named(production, 'KafkaNodePool', 'dual-role').spec.replicas).toBeGreaterThanOrEqual(3);
      for (const topic of production.filter((object) => object.kind === 'KafkaTopic') as (Manifest & { spec: any })[]) {
        expect({ topic: topic.metadata.name, replicas: topic.spec.replicas, minimum: topic.spec.config['min.insync.replicas'] }).toEqual({ topic: topic.metadata.name, replicas: 3, minimum: 2 });
      }
    });

    it('finds a variable no program reads, a missing or invalid one, a wrong probe, a lost topic and an unbudgeted Deployment', () => {
      const broken = clone(rendered['overlays/local']);
      const intake = named(broken, 'Deployment', 'intake').spec.template.spec.containers[0];
      intake.env.push({ name: 'KAFKA_BROKER', value: 'kafka:9092' });
      intake.readinessProbe.httpGet.path = '/health';
      const routing = named(broken, 'Deployment', 'routing').spec.template.spec.containers[0];
      routing.env = routing.env.filter((variable: { name: string }) => variable.name !== 'DATABASE_URL');
      routing.livenessProbe.httpGet.port = 3001;
      (broken.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('handoff-config'))!.data as Record<string, string>).KAFKA_BROKERS = 'kafka';
      const topics = broken.filter((object) => !(object.kind === 'KafkaTopic' && (object.spec as { topicName: string }).topicName === 'routing.events'));
      const withoutBudget = topics.filter((object) => !(object.kind === 'PodDisruptionBudget' && object.metadata.name === 'followup'));

      expect(environmentProblems(withoutBudget, { parseValues: true })).toEqual(
        expect.arrayContaining(['Deployment intake: sets KAFKA_BROKER, which its program does not read', 'Deployment routing: does not set DATABASE_URL', 'Deployment intake: KAFKA_BROKERS: must be host:port[,host:port...]']),
      );
      expect(probeProblems(withoutBudget)).toEqual([
        'Deployment intake: readinessProbe must ask /health/ready, asks /health',
        'Deployment routing: livenessProbe asks port 3001, the service listens on 3002',
      ]);
      expect(topicProblems(withoutBudget)).toEqual(['topic routing.events: no KafkaTopic']);
      expect(availabilityProblems(withoutBudget)).toEqual(['Deployment followup: no PodDisruptionBudget selects its pods']);
    });
  });
});
