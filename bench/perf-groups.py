"""Groups `perf report --sort pid,sym --stdio` lines (on stdin) by thread and by what the
time went to in a GEMM (bench/gemm-profile.sh): micro-kernel, packing, C init, driver,
waiting, OS, other; set-up (random operands, the interpreter) is left out.

    perf report -i FILE --sort pid,sym --stdio | python3 bench/perf-groups.py LABEL
"""
import re
import sys

# (group, pattern on the symbol), first match wins: ours (native/src/gemm) and
# OpenBLAS's (sgemm_kernel_<CORE>, sgemm_<i|o><n|t>copy_<CORE>, sgemm_beta_<CORE>).
GROUPS = [
    ('kernel', r'microPipelined|microAsm|microEdge|tileRows|directRows|directTile|sgemm_kernel|sgemm_small_kernel'),
    ('packing', r'packA|packB|transposeBlock|copy_'),
    ('C init', r'sgemm_beta'),
    ('driver', r'macroKernel|gemmPacked|gemmDirect|gemmImpl|sgemm_[nt][nt]|inner_thread|gemm_driver'),
    ('waiting', r'sched_yield|spinWait|SharedPanels|ThreadPool|_M_run|pthread_cond|futex|__schedule|'
                r'finish_task_switch|blas_thread_server|exec_blas|syscall'),
    ('set-up', r'random|mersenne|randomVec|_Py|memset|PyObject|0x0000'),
]
COLUMNS = ['kernel', 'packing', 'C init', 'driver', 'waiting', 'OS', 'other']

threads = {}
for line in sys.stdin:
    m = re.match(r'\s*([\d.]+)%\s+(\d+):\S+\s+\[(.)\]\s+(.*)', line)
    if not m:
        continue
    pct, tid, mode, sym = float(m[1]), m[2], m[3], m[4]
    group = next((g for g, p in GROUPS if re.search(p, sym)), 'OS' if mode == 'k' else 'other')
    t = threads.setdefault(tid, {})
    t[group] = t.get(group, 0) + pct

print(f"{sys.argv[1]}: % of each thread's samples (set-up left out); share: the thread's % of all samples")
print(f"  {'thread':>8} {'share':>6} " + ' '.join(f'{c:>8}' for c in COLUMNS))
for tid, t in threads.items():
    if t.get('kernel', 0) < 1:
        continue  # a thread that ran no GEMM
    work = sum(v for g, v in t.items() if g != 'set-up')
    print(f'  {tid:>8} {work:6.1f} ' + ' '.join(f'{100 * t.get(c, 0) / work:8.1f}' for c in COLUMNS))
