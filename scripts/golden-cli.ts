// The command-line side of scripts/golden.mjs: the same runner and case files as the suite.
import * as fs from 'fs';
import * as path from 'path';
import { GOLDEN_DIR, GOLDEN_FILES, runCase, type GoldenCase } from '../test/helpers/golden';

export function runGoldenFiles(args: string[]): number {
  const verbose = args.includes('--verbose');
  const files = args.filter((a) => a !== '--verbose');
  let passed = 0;
  let failed = 0;
  for (const file of files.length > 0 ? files : GOLDEN_FILES) {
    const where = fs.existsSync(file) ? file : path.join(GOLDEN_DIR, file);
    const cases = JSON.parse(fs.readFileSync(where, 'utf8')) as GoldenCase[];
    for (const c of cases) {
      const problems = runCase(c);
      if (problems.length === 0) {
        passed++;
        if (verbose) console.log(`ok    ${path.basename(file)} ${c.id}`);
      } else {
        failed++;
        console.log(`FAIL  ${path.basename(file)} ${c.id}\n      ${problems.join('\n      ')}`);
      }
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
