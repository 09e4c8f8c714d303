// No import cycles in src-main, type-only imports included (madge --circular, in a few lines): shared types live in
// leaf modules (contract/api.ts owns PreloadApi, core/ntk/analytic-types.ts, core/train/train-types.ts,
// node/onnx/import/import-options.ts) so modules that use each other's types never import each other.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Relative imports and re-exports of every .ts file under `dir`, resolved to files. */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) {
        const deps: string[] = [];
        for (const m of readFileSync(path, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\s[^;'"]*?from\s+'(\.[^']+)'/g)) {
          const target = resolve(dirname(path), m[1]);
          const file = [`${target}.ts`, join(target, 'index.ts')].find((c) => existsSync(c));
          if (file) deps.push(file);
        }
        graph.set(path, deps);
      }
    }
  };
  walk(dir);
  return graph;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(relative(root, w));
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('src-main has none', () => {
    expect(cycles(importGraph(join(root, 'src-main')))).toEqual([]);
  });

  it('the check finds a type-only cycle', () => {
    const a = join(root, 'src-main/contract/api.ts');
    const b = join(root, 'src-main/contract/channels.ts');
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([['src-main/contract/api.ts', 'src-main/contract/channels.ts']]);
  });
});
