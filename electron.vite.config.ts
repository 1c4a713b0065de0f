import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { main: resolve(root, 'electron/app/main.ts') },
        external: ['better-sqlite3', 'tiktok-live-connector', 'obs-websocket-js', 'ws'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: resolve(root, 'electron/app/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root,
    // Relative asset URLs: out/renderer/renderer/index.html loads ../assets/…, which is /assets/…
    // when served at /dashboard and the right folder when opened from file://.
    base: './',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: {
        input: {
          dashboard: resolve(root, 'renderer/index.html'),
          overlay: resolve(root, 'overlay/index.html'),
        },
      },
    },
  },
});
