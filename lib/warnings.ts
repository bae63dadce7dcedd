// PyTorch's warnings, where PyTorch warns: a UserWarning through process.emitWarning
// (so --no-warnings, --throw-deprecation and process.on('warning') work as for Node's
// own), shown once per call site and message, as Python's default warning filter does.
import * as path from 'path';

const shown = new Set<string>();
// The library's own files (lib/ or dist/): call sites are the first frame outside them.
const LIBRARY_DIR = __dirname + path.sep;

/** Emits `message` (which starts with the op's name) unless it was already emitted from
 * the same place in the user's code. */
export function warnOnce(message: string): void {
  const site = callSite();
  const key = `${site}\n${message}`;
  if (shown.has(key)) return;
  shown.add(key);
  process.emitWarning(message, 'UserWarning');
}

/** "file:line:column" of the innermost stack frame outside tensorgrad and Node itself. */
function callSite(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64; // library frames come first, and there can be many
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack.split('\n').slice(1);
  const user = frames.find((f) => !f.includes(LIBRARY_DIR) && !f.includes('(node:') && !f.includes(' node:'));
  return (user ?? frames[frames.length - 1] ?? '').trim();
}
