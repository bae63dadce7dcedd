#!/bin/bash
# Instructions per iteration of a per-op workload (bench/epoch-profile.mjs: W2's a.add(b) on
# 3x2 tensors, 'add' or with requiresGrad 'addgrad', W3's apples epoch 'apples', or W1's
# 64x64 a.matmul(b) on one thread 'matmul64'), counted
# by valgrind's callgrind: unlike wall time, the count is the same run after run on a busy
# machine. It is the slope between N and N/5 iterations, so setup and JIT warm-up cancel.
#   bash bench/icount.sh MODE [N] [CHECKOUT]     e.g. bash bench/icount.sh addgrad 20000 ../other
#   FUNCTIONS=40 bash bench/icount.sh MODE ...   also the 40 costliest functions per iteration
#                                                (V8's JIT code named by node --perf-basic-prof)
# N: 20000 suits add/addgrad, 10000 apples, 5000 matmul64. CHECKOUT: another built checkout to count instead
# of this one. Needs the Debian packages valgrind (callgrind, callgrind_annotate) and python3.
# V8 runs single-threaded and --predictable so that the count repeats.
set -euo pipefail
mode=${1:?usage: bash bench/icount.sh add|addgrad|apples|matmul64 [N] [CHECKOUT]}
n=${2:-20000}
checkout=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() { # $1 iterations -> the callgrind output file
  (cd "$out" && valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.%p" \
    node --perf-basic-prof --no-concurrent-recompilation --single-threaded --predictable \
    "$here/epoch-profile.mjs" "$mode" "$1" $checkout >/dev/null 2>&1)
  ls "$out"/cg."$1".*
}
many=$(count "$n")
few=$(count $((n / 5)))
total() { grep -m1 '^summary:\|^totals:' "$1" | grep -o '[0-9]*'; }
echo "${checkout:-this checkout} $mode: $(( ($(total "$many") - $(total "$few")) / (n - n / 5) )) instructions/iteration"
[ -n "${FUNCTIONS:-}" ] || exit 0
# Per-function self cost per iteration; JIT code is named from /tmp/perf-PID.map.
python3 - "$many" "$few" $((n - n / 5)) "$FUNCTIONS" <<'PY'
import bisect, re, subprocess, sys
def costs(f):
    pid = f.rsplit('.', 1)[1]
    syms = []
    try:
        for line in open(f'/tmp/perf-{pid}.map'):
            a, size, name = line.rstrip('\n').split(' ', 2)
            syms.append((int(a, 16), int(size, 16), name))
    except FileNotFoundError:
        pass
    syms.sort()
    starts = [s[0] for s in syms]
    def name(addr):
        i = bisect.bisect_right(starts, addr) - 1
        return syms[i][2] if i >= 0 and addr < syms[i][0] + syms[i][1] else hex(addr)
    out = subprocess.run(['callgrind_annotate', '--threshold=100', f], capture_output=True, text=True).stdout
    d = {}
    for line in out.splitlines():
        m = re.match(r'\s*([\d,]+) \([^)]*\)\s+(.*)$', line)
        if not m or 'PROGRAM TOTALS' in line:
            continue
        k = m.group(2)
        h = re.match(r'\?\?\?:0x([0-9a-f]+) \[\?\?\?\]', k)
        if h:
            k = 'JIT ' + name(int(h.group(1), 16))
        d[k] = d.get(k, 0) + int(m.group(1).replace(',', ''))
    return d
many, few, n, top = costs(sys.argv[1]), costs(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = sorted((((many.get(k, 0) - few.get(k, 0)) / n, k) for k in set(many) | set(few)), reverse=True)
for v, k in rows[:top]:
    print(f'{v:9.1f}  {k[:160]}')
PY
for f in "$many" "$few"; do rm -f "/tmp/perf-${f##*.}.map"; done
