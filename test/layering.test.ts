// The import graph of lib/: the Tensor and the op registry import each other (the
// Tensor's methods come from the registry, every op makes Tensors, and a Tensor's gradFn
// is the registry's Node); no other files may. A type-only import counts as an import
// here: it still ties the two files together for a reader, and it is a cycle to tools that
// draw the imports. Imports are read as text: `import ... from './x'`, `export ... from
// './x'` and side-effect `import './x'`.
import { readFileSync, readdirSync, existsSync } from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';

const LIB = path.join(__dirname, '../lib');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Each file (relative to lib/) with the files of lib/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(LIB)) {
    const source = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const m of source.matchAll(/^\s*(?:import|export)\b[^'";]*?'(\.{1,2}\/[^']*)'/gm)) {
      const base = path.resolve(path.dirname(file), m[1]);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find(existsSync);
      if (target) targets.push(path.relative(LIB, target));
    }
    graph.set(path.relative(LIB, file), targets);
  }
  return graph;
}

/** The strongly connected components of more than one file (Tarjan's algorithm), each sorted. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import graph of lib/', () => {
  test('the only import cycle is the Tensor and the op registry', () => {
    expect(cycles(importGraph())).toEqual([['ops/registry.ts', 'tensor.ts']]);
  });

  test('the check finds a cycle (a graph with a three-file loop and the pair)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['tensor.ts', ['ops/registry.ts']],
      ['ops/registry.ts', ['tensor.ts']],
    ]);
    expect(cycles(graph).sort()).toEqual([['a.ts', 'b.ts', 'c.ts'], ['ops/registry.ts', 'tensor.ts']]);
  });

  // The Tensor's methods come from the modules that define them (loaded by the package
  // entry): at run time lib/tensor.ts loads no op and no autograd module but grad mode.
  test('lib/tensor.ts imports no op or autograd module at run time but grad mode', () => {
    const source = readFileSync(path.join(LIB, 'tensor.ts'), 'utf8');
    const imported = [...source.matchAll(/^import (?!type )[^;]*from '\.\/(ops|autograd)\/([\w-]+)'/gm)].map((m) => `${m[1]}/${m[2]}`);
    expect(imported).toEqual(['autograd/grad_mode']);
  });
});
