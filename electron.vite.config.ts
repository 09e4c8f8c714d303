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

// CommonJS packages the main bundle loads with require (createRequire) instead of an ESM import: importing CommonJS
// from ESM makes Node lex the whole file for its named exports first, about 0.2 s of CPU for tfjs-core's 1.2 MB on
// every CLI call that uses it. Same module instances either way (one require cache).
const requiredExternals = ['@tensorflow/tfjs-core', 'onnxruntime-node', 'protobufjs/light.js', 'ml-matrix', 'ws'];

/** The binding list of an import clause as a declaration pattern: `* as tf` -> tf, `{ a, b as c }` -> { a, b: c }. */
function requireBinding(clause: string, spec: string): string {
  const namespace = /^\* as (\w+)$/.exec(clause);
  if (namespace) return namespace[1];
  if (/^\w+$/.test(clause)) return clause;
  const named = /^\{([\w\s,]+)\}$/.exec(clause);
  if (named) return `{ ${named[1].split(',').map((n) => n.trim().replace(/^(\w+) as (\w+)$/, '$1: $2')).filter(Boolean).join(', ')} }`;
  throw new Error(`ntk:require-externals: cannot rewrite \`import ${clause} from "${spec}"\``);
}

const requireExternals: Plugin = {
  name: 'ntk:require-externals',
  renderChunk(code) {
    let rewritten = 0;
    const out = code.replace(/^import (.+?) from "([^"]+)";$/gm, (line, clause: string, spec: string) => {
      if (!requiredExternals.includes(spec)) return line;
      rewritten++;
      return `const ${requireBinding(clause.trim(), spec)} = __ntkRequire(${JSON.stringify(spec)});`;
    });
    return rewritten ? `import { createRequire as __ntkCreateRequire } from "node:module";\nconst __ntkRequire = __ntkCreateRequire(import.meta.url);\n${out}` : null;
  },
};

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
    plugins: [requireExternals],
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
