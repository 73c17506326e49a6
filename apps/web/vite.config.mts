import path from 'node:path';
import { defineConfig } from 'vite';

// Built by scripts/build-web.js into dist/web, served with the APIs by scripts/web.js.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // The API's types (libs/contracts/src/api): imported type-only, so nothing of it is bundled.
  resolve: { alias: { '@handoff/contracts/api': path.resolve(import.meta.dirname, '../../libs/contracts/src/api') } },
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
