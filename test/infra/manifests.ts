import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const repoRoot = resolve(__dirname, '..', '..');
export const k8sRoot = join(repoRoot, 'infra', 'k8s');

/** A Kubernetes object as the YAML says it, with where it came from. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** Every document of a YAML file; a syntax error fails with the file's name. */
export function readYaml(file: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  const all = Array.isArray(documents) ? documents : [documents];
  const problems = all.flatMap((document) => document.errors.map((error) => error.message));
  if (problems.length > 0) throw new Error(`${relative(repoRoot, file)}: ${problems.join('; ')}`);
  return all.map((document) => document.toJS()).filter((value) => value !== null && value !== undefined);
}

export function parseYaml(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest | null)
    .filter((value): value is Manifest => value !== null);
}

/** Every directory under `root` that holds a kustomization. */
export function kustomizationDirectories(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (existsSync(join(dir, 'kustomization.yaml'))) found.push(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  walk(root);
  return found;
}

interface Kustomization {
  readonly resources?: string[];
  readonly components?: string[];
  readonly patches?: { path?: string }[];
  readonly secretGenerator?: { envs?: string[]; files?: string[] }[];
  readonly configMapGenerator?: { envs?: string[]; files?: string[] }[];
}

/**
 * What is wrong with the kustomization in `dir`: a file or directory it names that does not exist
 * (or a directory without a kustomization), and a YAML file beside it that it does not name, which
 * kustomize would silently leave out. `optional` names files an operator creates (secrets.env).
 */
export function kustomizationProblems(dir: string, optional: readonly string[] = []): string[] {
  const [kustomization] = readYaml(join(dir, 'kustomization.yaml')) as Kustomization[];
  const generated = [...(kustomization.secretGenerator ?? []), ...(kustomization.configMapGenerator ?? [])].flatMap((generator) => [...(generator.envs ?? []), ...(generator.files ?? [])]);
  const named = [...(kustomization.resources ?? []), ...(kustomization.components ?? []), ...(kustomization.patches ?? []).flatMap((patch) => (patch.path ? [patch.path] : []))];
  const problems: string[] = [];
  const where = relative(repoRoot, dir);
  for (const entry of [...named, ...generated]) {
    if (/^[a-z]+:\/\//.test(entry)) continue;
    const target = resolve(dir, entry);
    if (!existsSync(target)) {
      if (!optional.includes(relative(repoRoot, target))) problems.push(`${where}: names ${entry}, which does not exist`);
    } else if (statSync(target).isDirectory() && !existsSync(join(target, 'kustomization.yaml'))) {
      problems.push(`${where}: names the directory ${entry}, which holds no kustomization.yaml`);
    }
  }
  const listed = new Set(named.map((entry) => resolve(dir, entry)));
  for (const file of readdirSync(dir)) {
    if (!/\.ya?ml$/.test(file) || file === 'kustomization.yaml') continue;
    if (!listed.has(join(dir, file))) problems.push(`${where}: ${file} is not listed in its kustomization.yaml`);
  }
  return problems;
}

/** The objects of every resource file the kustomizations under `root` list (not the kustomizations themselves). */
export function resourceFiles(root: string): string[] {
  return kustomizationDirectories(root).flatMap((dir) => {
    const [kustomization] = readYaml(join(dir, 'kustomization.yaml')) as Kustomization[];
    return (kustomization.resources ?? []).map((entry) => resolve(dir, entry)).filter((target) => existsSync(target) && statSync(target).isFile());
  });
}

/** Schema errors, one per object (null when it is valid), from validate-schemas.mjs. */
export function schemaErrors(objects: readonly unknown[]): (string | null)[] {
  const run = spawnSync(process.execPath, [join(__dirname, 'validate-schemas.mjs')], { input: JSON.stringify(objects), encoding: 'utf8', cwd: repoRoot });
  if (run.status !== 0) throw new Error(`validate-schemas.mjs failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { error: string | null }[]).map((result) => result.error);
}

export const kubectlFound = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/**
 * What `kubectl kustomize` renders for an overlay, on a copy of infra/k8s where every optional
 * file (secrets.env) is made from its `.example`, as an operator would before applying.
 */
export function render(overlay: string, optional: readonly string[]): Manifest[] {
  const copy = mkdtempSync(join(tmpdir(), 'handoff-k8s-'));
  try {
    cpSync(k8sRoot, copy, { recursive: true });
    for (const file of optional) {
      const inCopy = join(copy, relative(k8sRoot, join(repoRoot, file)));
      writeFileSync(inCopy, readFileSync(`${join(repoRoot, file)}.example`, 'utf8'));
    }
    const run = spawnSync('kubectl', ['kustomize', join(copy, overlay)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`kubectl kustomize ${overlay}: ${run.stderr}`);
    return parseYaml(run.stdout);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export const dirOf = (file: string): string => relative(repoRoot, dirname(file));
