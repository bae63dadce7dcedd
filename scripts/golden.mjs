#!/usr/bin/env node
// Runs golden case files through the test suite's runner (test/helpers/golden.ts):
//   node scripts/golden.mjs indexing.json layers.json   (names in test/golden/, or paths)
//   node scripts/golden.mjs --verbose FILE.json          (also lists the passing cases)
// With no file, every case file. Prints each failing case with its problems, then
// `N passed, N failed`.
import { createRequire } from 'module';
import { register } from 'tsx/cjs/api';

// The library's TypeScript is loaded as CommonJS, as vitest and the published package do.
register();
const { runGoldenFiles } = createRequire(import.meta.url)('./golden-cli.ts');
process.exitCode = runGoldenFiles(process.argv.slice(2));
