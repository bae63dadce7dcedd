# Writes tiles.inc for tiles.cpp: one inline-assembly float32 micro-kernel per argument
# MRxNV (MR rows x NV ZMM vectors, e.g. 14x2 = kernel_avx512.cpp's 14x32), with the
# structure of kernel_avx512.cpp's microPipelined: zmm0.. accumulate, NV registers hold
# the B row, one the broadcast A value, zmm31 the row being merged (MR*NV + NV + 1 <= 31);
# k loop unrolled by 4 with the A micro-panel prefetched 8 x 4 steps ahead, the first MR
# iterations also write one row of the previous tile (mode 1: C = acc, 2: C += acc).
import sys
def kern(MR, NV, S=1):
    nacc = MR*NV
    breg = [nacc+i for i in range(NV)]
    bc = nacc+NV
    assert bc <= 30, "MR*NV + NV + 1 registers must leave zmm31 free"
    ES = 4
    L = []
    def step(kk):
        s = []
        for v in range(NV):
            s.append(f'"vmovaps {kk*NV*64+v*64}(%[b]), %%zmm{breg[v]}\\n\\t"')
        for r in range(MR):
            s.append(f'"vbroadcastss {(kk*MR+r)*ES}(%[a]), %%zmm{bc}\\n\\t"')
            for v in range(NV):
                s.append(f'"vfmadd231ps %%zmm{breg[v]}, %%zmm{bc}, %%zmm{r*NV+v}\\n\\t"')
        return s
    apf = 4*MR*ES; dist = 8*apf
    nl = (apf+63)//64 + (1 if apf % 64 else 0)
    pf = [f'"prefetcht0 {dist+64*i}(%[a])\\n\\t"' for i in range(nl)]
    def merge(add):
        s = []
        for l in range(NV):
            s.append(f'"prefetchw {l*64}(%[crow],%[ldcb],4)\\n\\t"')
        s.append(f'"prefetchw {NV*64-1}(%[crow],%[ldcb],4)\\n\\t"')
        for v in range(NV):
            s.append(f'"vmovaps {v*64}(%[prev]), %%zmm31\\n\\t"')
            if add: s.append(f'"vaddps {v*64}(%[crow]), %%zmm31, %%zmm31\\n\\t"')
            s.append(f'"vmovups %%zmm31, {v*64}(%[crow])\\n\\t"')
        s.append(f'"add ${NV*64}, %[prev]\\n\\t"')
        s.append('"add %[ldcb], %[crow]\\n\\t"')
        return s
    clob = ", ".join(f'"xmm{i}"' for i in range(32))
    out = []
    name = f"k{MR}x{NV}s{S}"
    out.append(f"static void {name}_asm(int mode, int64_t m4, int64_t k4, int64_t k1, const float* a, const float* b, float* acc, const float* prevAcc, float* crow, int64_t ldcBytes) {{")
    for mode in (0, 1, 2):
        body = []
        body += [f'"vpxord %%zmm{i}, %%zmm{i}, %%zmm{i}\\n\\t"' for i in range(nacc)]
        body += ['"test %[m4], %[m4]\\n\\t"', '"jz 5f\\n\\t"', '".p2align 5\\n"', '"6:\\n\\t"']
        body += pf
        if mode: body += merge(mode == 2)
        for rep in range(S):
            if rep: body += pf
            for kk in range(4): body += step(kk)
            body += [f'"add ${4*MR*ES}, %[a]\\n\\t"', f'"add ${4*NV*64}, %[b]\\n\\t"']
        body += ['"dec %[m4]\\n\\t"', '"jnz 6b\\n"', '"5:\\n\\t"']
        body += ['"test %[k4], %[k4]\\n\\t"', '"jz 2f\\n\\t"', '".p2align 5\\n"', '"1:\\n\\t"']
        body += pf
        for kk in range(4): body += step(kk)
        body += [f'"add ${4*MR*ES}, %[a]\\n\\t"', f'"add ${4*NV*64}, %[b]\\n\\t"', '"dec %[k4]\\n\\t"', '"jnz 1b\\n"', '"2:\\n\\t"']
        body += ['"test %[k1], %[k1]\\n\\t"', '"jz 4f\\n"', '"3:\\n\\t"']
        body += step(0)
        body += [f'"add ${MR*ES}, %[a]\\n\\t"', f'"add ${NV*64}, %[b]\\n\\t"', '"dec %[k1]\\n\\t"', '"jnz 3b\\n"', '"4:\\n\\t"']
        body += [f'"vmovups %%zmm{i}, {i*64}(%[acc])\\n\\t"' for i in range(nacc)]
        out.append(f"  if (mode == {mode}) {{ __asm__ volatile(")
        out += ["    " + x for x in body]
        out.append('    : [a] "+r"(a), [b] "+r"(b), [k4] "+r"(k4), [k1] "+r"(k1), [m4] "+r"(m4), [prev] "+r"(prevAcc), [crow] "+r"(crow)')
        out.append('    : [acc] "r"(acc), [ldcb] "r"(ldcBytes)')
        out.append(f'    : "memory", "cc", {clob}); return; }}')
    out.append("}")
    return "\n".join(out)
# Arguments MRxNV or MRxNVsS: S > 1 spreads the merge of the previous tile, one row
# every S iterations of 4 steps instead of every iteration.
tiles = []
for t in sys.argv[1:]:
    mr, rest = t.split('x')
    nv, _, spread = rest.partition('s')
    tiles.append((int(mr), int(nv), int(spread or 1)))
print('#include <cstdint>')
for MR, NV, S in tiles: print(kern(MR, NV, S))
print("#define TG_TILES(X) " + " ".join(f"X({MR},{NV},{S})" for MR, NV, S in tiles))
