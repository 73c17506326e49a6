import { execFile } from 'node:child_process';
import path from 'node:path';

// Tests and builds go through swc, which strips types without checking them; this is where
// a type error fails the suite.
jest.setTimeout(180_000);

// The services and the consoles (browser code, its own DOM settings) are two projects.
describe.each(['tsconfig.json', 'apps/web/tsconfig.json'])('the TypeScript sources of %s', (project) => {
  it('type-check with the strict compiler settings', async () => {
    const root = path.resolve(__dirname, '..');
    const output = await new Promise<string>((resolve) => {
      execFile(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--noEmit'], { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (_error, stdout, stderr) =>
        resolve(`${stdout}${stderr}`.trim()),
      );
    });
    expect(output).toBe('');
  });
});
