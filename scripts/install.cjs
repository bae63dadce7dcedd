// npm's install step. Keeps the package's prebuilt addon (prebuilds/, see
// lib/native/prebuild.ts) when one exists for this platform and loads; otherwise compiles
// the addon with cmake-js (needs CMake and a C++17 compiler). TENSORGRAD_BUILD_FROM_SOURCE=1
// (or `npm install --build-from-source`) always compiles.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

function usablePrebuild() {
  if (process.env.TENSORGRAD_BUILD_FROM_SOURCE === '1' || process.env.npm_config_build_from_source === 'true') return null;
  // A checkout (it has the TypeScript sources, which the package does not ship) always
  // builds its own addon: a prebuild there may be older than the sources.
  if (fs.existsSync(path.join(root, 'lib'))) return null;
  const resolver = path.join(root, 'dist', 'native', 'prebuild.js');
  const file = require(resolver).findPrebuild(root);
  if (file === null) return null;
  try {
    require(file); // e.g. a C library older than the one it was built against fails here
    return file;
  } catch (e) {
    console.warn(`tensorgrad: the prebuilt addon ${file} does not load here (${e.message}); compiling from source`);
    return null;
  }
}

const prebuild = usablePrebuild();
if (prebuild !== null) {
  console.log(`tensorgrad: using the prebuilt addon ${path.relative(root, prebuild)}`);
} else {
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const run = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
