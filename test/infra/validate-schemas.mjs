// Validates Kubernetes objects against the Kubernetes and CRD (Strimzi, CloudNativePG,
// prometheus-operator) OpenAPI schemas, without a cluster. kubernetes-models ships ES modules
// only, which the tests' CommonJS Jest cannot load, so manifests.ts runs this in plain Node:
// a JSON array of objects on stdin, one `{ error }` per object on stdout (null when valid).

/** The package of each API group that is not Kubernetes' own (those come from kubernetes-models). */
const CUSTOM_GROUPS = {
  'kafka.strimzi.io': '@kubernetes-models/strimzi-kafka-operator',
  'postgresql.cnpg.io': '@kubernetes-models/cloudnative-pg',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const custom = CUSTOM_GROUPS[group];
  const specifier = custom ? `${custom}/${group}/${version}` : group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let models;
  try {
    models = await import(specifier);
  } catch {
    throw new Error(`no schema for apiVersion ${apiVersion}`);
  }
  const model = models[kind];
  if (typeof model !== 'function' || model.kind !== kind || model.apiVersion !== apiVersion) throw new Error(`no schema for ${kind} in ${apiVersion}`);
  return model;
}

async function validate(object) {
  if (typeof object?.apiVersion !== 'string' || typeof object?.kind !== 'string') throw new Error('apiVersion and kind must be strings');
  const Model = await modelOf(object.apiVersion, object.kind);
  new Model(object).validate();
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const object of JSON.parse(input)) {
  try {
    await validate(object);
    results.push({ error: null });
  } catch (error) {
    results.push({ error: error.message });
  }
}
process.stdout.write(JSON.stringify(results));
