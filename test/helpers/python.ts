// PyTorch side by side: runs a Python script with /usr/bin/python3 when it has torch and
// numpy. Tests that need it are skipped otherwise, under a name that says how to enable them.
import { execFileSync, spawnSync } from 'child_process';

const PYTHON = '/usr/bin/python3';

export const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;

/** Appended to the names of tests that are skipped without PyTorch. */
export const TORCH_HINT = hasTorch ? '' : ' (skipped: needs /usr/bin/python3 with torch and numpy: apt-get install -y python3-torch python3-numpy)';

/** Runs `script` (with `args` in sys.argv[1:]) and parses the JSON it prints last. */
export function runPython<T = unknown>(script: string, args: string[] = []): T {
  const out = execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}
