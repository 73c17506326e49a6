import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The local OpenID provider (scripts/oidc-provider.js, the `oidc-provider` package) as its own
 * process, as `npm start` runs it: the package is an ECMAScript module Jest's module system does
 * not load, and a process of its own is what the consoles and services meet in development anyway.
 */
export class LocalOidcProvider {
  private constructor(
    private readonly child: ChildProcess,
    readonly issuer: string,
    readonly logs: string[],
  ) {}

  /** `webBaseUrls`: the consoles' addresses, whose /auth/callback the provider accepts. */
  static async start(webBaseUrls: readonly string[]): Promise<LocalOidcProvider> {
    const logs: string[] = [];
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/oidc-provider.js')], {
      cwd: ROOT,
      env: { ...process.env, OIDC_PROVIDER_PORT: '0', OIDC_PROVIDER_WEB_URLS: webBaseUrls.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the local OpenID provider did not start:\n${logs.join('\n')}`)), 20_000);
      const read = (chunk: Buffer) => {
        logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        const started = /local OpenID provider at (\S+)/.exec(logs.join('\n'));
        if (started) {
          clearTimeout(timer);
          resolve(started[1]);
        }
      };
      child.stdout?.on('data', read);
      child.stderr?.on('data', read);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the local OpenID provider exited (${code}):\n${logs.join('\n')}`));
      });
    });
    return new LocalOidcProvider(child, issuer, logs);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
