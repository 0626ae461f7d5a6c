// The dashboard's build (`npm run build` runs it after tsc): everything bundled from
// node_modules into dist/apps/api/web, no CDN and no web fonts, and no inline script or
// style, so the strict Content-Security-Policy of apps/api/src/web holds (script-src 'self').
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: fileURLToPath(new URL('../../../dist/apps/api/web', import.meta.url)),
    emptyOutDir: true,
    // no inlined data: URLs for assets: img-src stays 'self'
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    reportCompressedSize: false,
  },
  // the dev server (npx vite apps/api/web) talks to an api started on its default port
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3100', ws: true } } },
});
