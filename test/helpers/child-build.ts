// Plain JavaScript copies of lib/ and a test's child script, for tests that start many
// child processes: node starts one in a fifth of the CPU time tsx needs (which compiles
// the TypeScript in every child). Types are not checked here; `npm test` does that.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');

function transpileTree(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) transpileTree(source, path.join(to, entry.name));
    else if (entry.name.endsWith('.ts')) transpileFile(source, path.join(to, entry.name.replace(/\.ts$/, '.js')));
  }
}

/** Compiles one TypeScript file to CommonJS at `target` (types unchecked). */
export function transpileFile(source: string, target: string): void {
  const { outputText } = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, outputText);
}

/** Compiles lib/ and `script` (a path under the repository, importing lib/ relatively)
 * into a temporary directory; returns the command line that runs the script, whose
 * environment must include `env` (the addon's path: the copy has no package.json). */
export function buildChild(script: string): { args: string[]; env: NodeJS.ProcessEnv; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-child-'));
  transpileTree(path.join(root, 'lib'), path.join(dir, 'lib'));
  const relative = path.relative(root, script).replace(/\.ts$/, '.js');
  transpileFile(script, path.join(dir, relative));
  const env = { ...process.env, TENSORGRAD_ADDON: process.env.TENSORGRAD_ADDON ?? path.join(root, 'build', 'Release', 'tensorgrad.node') };
  return { args: [path.join(dir, relative)], env, dir };
}
