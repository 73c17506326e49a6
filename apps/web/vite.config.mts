import path from 'node:path';
import { defineConfig } from 'vite';

// Built by scripts/build-web.js into dist/web, served with the APIs by scripts/web.js.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: path.resolve(import.meta.dirname, '../../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    // Recharts alone is ~500 kB; a service desk console is loaded once a day, not per click.
    chunkSizeWarningLimit: 1500,
  },
  oxc: { jsx: { runtime: 'automatic' } },
  logLevel: 'warn',
});
