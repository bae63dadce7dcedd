#!/usr/bin/env bash
# The package as a user without build tools gets it (issue 18): builds the prebuilt addon
# (`npm run prebuild`, by default x64 only: `-- x64 arm64` for both), packs the package,
# installs the tarball into an empty folder with a PATH that has node and npm but no
# cmake, c++, g++, cc or clang, and trains a small model from it as ESM and as CommonJS.
# Then type-checks a user's file against the installed declarations without @types/node.
# Fails if install tries to compile (no compiler on PATH), the training does not converge
# or the declarations need @types/node.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(x64)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm run --silent prebuild -- "${targets[@]}"
tarball=$(npm pack --silent --pack-destination "$work" | tail -1)
echo "check-package: $tarball ($(du -k "$work/$tarball" | cut -f1) KB)"

# PATH: node, npm and a shell (npm runs the install script with sh), nothing else; only
# the commands that stand for the user's run with it.
bare="$work/bin"
mkdir "$bare" "$work/app"
for tool in node npm sh; do ln -s "$(readlink -f "$(command -v "$tool")")" "$bare/$tool"; done
for tool in cmake c++ g++ cc gcc clang clang++ make; do
  if PATH="$bare" command -v "$tool" > /dev/null; then echo "check-package: $tool is on the bare PATH" >&2; exit 1; fi
done

cd "$work/app"
PATH="$bare" npm install --no-audit --no-fund --loglevel=error "$work/$tarball"
installed=$work/app/node_modules/tensorgrad
[[ -d $installed/prebuilds ]] || { echo "check-package: $installed has no prebuilds/" >&2; exit 1; }
[[ ! -e $installed/build ]] || { echo "check-package: install compiled the addon ($installed/build exists)" >&2; exit 1; }

# y = 2x through a bias-free Linear(1, 1): the least-squares weight is exactly 2.
body='
tg.manualSeed(0);
const x = tg.tensor([[1], [2], [3], [4]]);
const y = tg.tensor([[2], [4], [6], [8]]);
const model = new tg.nn.Linear(1, 1, { bias: false });
const opt = new tg.optim.SGD(model.parameters(), { lr: 0.01 });
const mse = new tg.nn.MSELoss();
for (let i = 0; i < 300; i++) {
  opt.zeroGrad();
  const loss = mse.forward(model.forward(x), y);
  loss.backward();
  opt.step();
}
const w = model.weight.item();
if (!(Math.abs(w - 2) < 1e-3)) throw new Error(`training did not converge: w = ${w}, expected 2`);
console.log(`trained from the packed package: w = ${w.toFixed(5)} (simd: ${tg.simd})`);
'
printf "import * as tg from 'tensorgrad';\n%s" "$body" > train.mjs
printf "const tg = require('tensorgrad');\n%s" "$body" > train.cjs
PATH="$bare" node train.mjs
PATH="$bare" node train.cjs
# tg.distributed from the package: its optional Gloo addon loads where the prebuild has it.
if [[ -e $installed/prebuilds/linux-x64/tensorgrad_dist.glibc.node ]]; then
  PATH="$bare" node -e "if (!require('tensorgrad').distributed.isGlooAvailable()) process.exit(1)" ||
    { echo "check-package: the packaged tensorgrad_dist addon does not load" >&2; exit 1; }
  echo "check-package: tg.distributed's Gloo addon loads from the package"
fi
# The declarations type-check for a user without @types/node (no "types", ES2022 lib only).
printf "import * as tg from 'tensorgrad';\nexport const w: tg.Tensor = tg.ones(2);\n" > use.mts
echo '{ "compilerOptions": { "types": [], "lib": ["ES2022"], "target": "ES2022", "module": "node16", "strict": true, "noEmit": true }, "files": ["use.mts"] }' > tsconfig.json
"$root/node_modules/.bin/tsc" -p tsconfig.json
echo "check-package: passed (${targets[*]})"
