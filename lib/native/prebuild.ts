// Where a prebuilt addon for this platform lives inside the package. `npm run prebuild`
// (scripts/prebuild.sh) writes them, scripts/install.cjs skips compiling when one
// loads, and binding.ts prefers it over a local build. One file per platform and CPU:
// the addon uses Node-API 8 only, so the same binary serves every supported Node.
import * as fs from 'fs';
import * as path from 'path';

/** The C library a Linux binary was linked against: glibc and musl binaries do not mix.
 * musl systems have its dynamic loader at /lib/ld-musl-<arch>.so.1 (a cheap check;
 * process.report takes tens of milliseconds). */
function libc(): string {
  if (process.platform !== 'linux') return 'default';
  try {
    return fs.readdirSync('/lib').some((f) => f.startsWith('ld-musl-')) ? 'musl' : 'glibc';
  } catch {
    return 'glibc';
  }
}

/** prebuilds/<platform>-<arch>/<addon>.<libc>.node under `root`, e.g. linux-x64/tensorgrad.glibc.node.
 * `addon` is 'tensorgrad', or 'tensorgrad_dist' for tg.distributed's (optional: built where Gloo is). */
export function prebuildFile(root: string, platform: string = process.platform, arch: string = process.arch, libcName = libc(), addon = 'tensorgrad'): string {
  return path.join(root, 'prebuilds', `${platform}-${arch}`, `${addon}.${libcName}.node`);
}

/** This machine's prebuilt `addon` under the package root `root`, or null when the package has none. */
export function findPrebuild(root: string, addon = 'tensorgrad'): string | null {
  const file = prebuildFile(root, process.platform, process.arch, libc(), addon);
  return fs.existsSync(file) ? file : null;
}
