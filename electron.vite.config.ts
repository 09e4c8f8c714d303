// Build of the desktop shell: main process (ESM), preload (CJS, so the window keeps sandbox: true) and the
// Vue renderer, with the project's own roots. Heavy and native node packages stay external to the main bundle.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Loaded from node_modules at run time: native addons, wasm payloads and large data are never bundled, even when a
// package is only optional (tfjs-node) and so missed by electron-vite's default externalisation of `dependencies`.
const mainExternal = [
  /^@tensorflow\//,
  'onnxruntime-node',
  /^onnxruntime-node\//,
  'mnist',
  'node-sqlite3-wasm',
];

// src-renderer/index.html's CSP meta is written for the build; Vite's dev server injects <style> tags and opens
// an HMR socket, so only `serve` loosens it (src-main/electron/window.ts does the same for the header).
const devServerCsp: Plugin = {
  name: 'ntk:dev-server-csp',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html
      .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
      .replace("connect-src 'self'", "connect-src 'self' ws:"),
};

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        // Runs and one-off model tasks work in worker threads: each worker is its own entry, next to index.js
        // (node/jobs/start-worker.ts). cli.js is the command line, built so bin/ntk-workbench.js need not run tsx.
        input: {
          cli: resolve(root, 'src-main/cli/main.ts'),
          index: resolve(root, 'src-main/index.ts'),
          'job-worker': resolve(root, 'src-main/node/jobs/job-worker.ts'),
          'task-worker': resolve(root, 'src-main/node/jobs/task-worker.ts'),
        },
        external: mainExternal,
        // Code the entries share goes to chunks/ (start-worker.ts finds the worker entries one level up from there).
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': everything else is bundled into one file.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [vue(), devServerCsp],
    build: {
      // The same bundle is served to browsers by the web bridge, where 2 MB of unminified ECharts would show.
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src-renderer/index.html') },
      },
    },
  },
});
