#!/usr/bin/env bash
# Regenerates examples/expected/*.txt: what the PyTorch originals in examples/pytorch/
# print, run with real PyTorch. test/examples.test.ts compares each TypeScript port's
# output with these. Needs PyTorch: apt-get install -y python3-torch (Debian 12: 1.13.1).
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "PyTorch missing: apt-get install -y python3-torch" >&2; exit 1; }
for py in examples/pytorch/*.py; do
  name=$(basename "$py" .py)
  /usr/bin/python3 "$py" > "examples/expected/${name//_/-}.txt"
  echo "wrote examples/expected/${name//_/-}.txt"
done
