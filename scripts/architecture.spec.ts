import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The rules of .dependency-cruiser.js, run over the tree as it is, and over a planted copy of each
// kind of violation to see each rule bite. dependency-cruiser ships as an ECMAScript module, which
// Jest's CommonJS cannot require; its command line is the same engine.
jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..');
const CRUISER = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

function cruise(cwd: string, paths: readonly string[]): Promise<readonly Violation[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CRUISER, '--config', path.join(ROOT, '.dependency-cruiser.js'), '--output-type', 'json', ...paths],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // Violations make the command exit non-zero; only an answer that is no report is a failure.
        try {
          resolve((JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations);
        } catch {
          reject(new Error(`dependency-cruiser gave no report: ${error?.message ?? ''}\n${stderr}`));
        }
      },
    );
  });
}

/** A package is named by itself, wherever the installation (or a link to it) put its files. */
const packageOf = (to: string): string => to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, 'node_modules/$1');
const described = (violations: readonly Violation[]) => violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${packageOf(violation.to)}`);

describe('the architecture rules (.dependency-cruiser.js)', () => {
  it('hold over the code base: apps, libraries, benchmarks and cross-service tests', async () => {
    expect(described(await cruise(ROOT, ['apps', 'libs', 'bench', 'test']))).toEqual([]);
  });

  describe('on a copy with one planted violation of each', () => {
    let tree: string;
    const plant = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      writeFileSync(path.join(tree, file), text);
    };

    beforeAll(() => {
      tree = mkdtempSync(path.join(os.tmpdir(), 'handoff-architecture-'));
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
      writeFileSync(path.join(tree, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.' } }));
      plant('apps/routing/src/tickets/planted.decider.ts', "import { Injectable } from '@nestjs/common';\nimport { DataSource } from 'typeorm';\nexport const planted = [Injectable, DataSource];\n");
      plant('apps/routing/src/config.ts', 'export const routingOnly = 1;\n');
      plant('apps/evaluation/src/planted.ts', "import { routingOnly } from '../../routing/src/config';\nexport const planted = routingOnly;\n");
      plant('apps/routing/src/read-models.ts', 'export const ROUTING_DATABASE = {};\n');
      plant('apps/audit/src/planted.ts', "import { ROUTING_DATABASE } from '../../routing/src/read-models';\nimport { routingOnly } from '../../routing/src/config';\nexport const planted = [ROUTING_DATABASE, routingOnly];\n");
      plant('libs/messaging/src/planted.ts', "import { routingOnly } from '../../../apps/routing/src/config';\nexport const planted = routingOnly;\n");
      plant('libs/contracts/src/events/common.ts', 'export const CHANNELS = [];\nexport type Channel = string;\n');
      plant('libs/contracts/src/api/planted.ts', "import { CHANNELS } from '../events/common';\nexport const planted = CHANNELS;\n");
      plant('apps/web/src/planted.ts', "import { CHANNELS } from '../../../libs/contracts/src/events/common';\nimport { planted } from '../../../libs/contracts/src/api/planted';\nexport const both = [CHANNELS, planted];\n");
      plant('apps/web/src/typed.ts', "import type { Channel } from '../../../libs/contracts/src/api/planted';\nexport type Typed = Channel;\n");
      plant('libs/platform/src/clock.ts', 'export const CLOCK = 1;\n');
      plant('libs/audit/src/history.ts', 'export const history = 1;\n');
      plant(
        'libs/read-models/src/planted.ts',
        "import { Injectable } from '@nestjs/common';\nimport { CLOCK } from '../../platform/src/clock';\nimport { history } from '../../audit/src/history';\nimport { routingOnly } from '../../../apps/routing/src/config';\nexport const planted = [Injectable, CLOCK, history, routingOnly];\n",
      );
      // A spec may start what it tests on any test bed: not a violation.
      plant('libs/read-models/src/planted.int-spec.ts', "import { CLOCK } from '../../platform/src/clock';\nexport const planted = CLOCK;\n");
      plant('bench/planted.ts', "import { routingOnly } from '../apps/routing/src/config';\nexport const planted = routingOnly;\n");
    });
    afterAll(() => {
      if (tree) rmSync(tree, { recursive: true, force: true });
    });

    it('fails each rule where its violation is planted, and nowhere else', async () => {
      expect(described(await cruise(tree, ['apps', 'libs', 'bench'])).sort()).toEqual(
        [
          'audit-cli-knows-read-model-registries-only: apps/audit/src/planted.ts → apps/routing/src/config.ts',
          'bench-reaches-services-through-the-audit-cli: bench/planted.ts → apps/routing/src/config.ts',
          'consoles-import-contracts-types-only: apps/web/src/planted.ts → libs/contracts/src/api/planted.ts',
          'consoles-import-contracts-types-only: apps/web/src/planted.ts → libs/contracts/src/events/common.ts',
          'consoles-read-only-the-contracts-api: apps/web/src/planted.ts → libs/contracts/src/events/common.ts',
          'contracts-api-imports-nothing: libs/contracts/src/api/planted.ts → libs/contracts/src/events/common.ts',
          'domain-imports-no-infrastructure: apps/routing/src/tickets/planted.decider.ts → node_modules/@nestjs/common',
          'domain-imports-no-infrastructure: apps/routing/src/tickets/planted.decider.ts → node_modules/typeorm',
          'libraries-import-no-app: libs/messaging/src/planted.ts → apps/routing/src/config.ts',
          'libraries-import-no-app: libs/read-models/src/planted.ts → apps/routing/src/config.ts',
          'only-apps-import-the-nest-layer: libs/read-models/src/planted.ts → libs/platform/src/clock.ts',
          'only-apps-import-the-nest-layer: libs/read-models/src/planted.ts → node_modules/@nestjs/common',
          'read-models-know-no-audit: libs/read-models/src/planted.ts → libs/audit/src/history.ts',
          'no-app-imports-another-app: apps/evaluation/src/planted.ts → apps/routing/src/config.ts',
        ].sort(),
      );
    });
  });
});
