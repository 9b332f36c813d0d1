#!/usr/bin/env bash
# Hand-run peer comparison of the cosine kNN graph: the Python peers (numpy exact, faiss IndexFlatIP,
# pynndescent warm; ../shared/bench/bench_knn.py) and `micse-cluster bench knn` on the same .npy,
# same thread count, in one run; prints times, recall and our/their ratios.
#
#   Tests/Benchmarks/compare_knn.sh [EMB.npy] [--scaling]
#   K=15 THREADS=2 RUNS=3 Tests/Benchmarks/compare_knn.sh emb.npy
#
# EMB.npy: (N, D) float32, e.g. MiniLM mean-pooled embeddings of tweet_eval_sentiment_test.csv
# (emb.npy; made by the venv's sentence-transformers, see NeighborGraphTests/Fixtures/README.md).
# Without an argument a synthetic 12,284 × 384 clustered set is written and used.
#
# Conventions: our k excludes the point itself; bench_knn.py's --k includes it (umap-learn's way), so
# Python runs with K + 1. Our recall is also shown in that convention, (r·K + 1)/(K + 1), the point
# itself counting as one found neighbour, so the two recall columns compare like for like.
#
# OpenBLAS 0.3.21 (Debian 12) does not recognise this VM's CPU ("Intel Xeon Processor", AVX-512)
# and falls back to its SSE3 "Prescott" kernels, ~4x slower; numpy's bundled OpenBLAS does not.
# Unless OPENBLAS_CORETYPE is set, this script sets it to SkylakeX when the CPU has avx512f.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${MICSE_SHARED:-$ROOT/../shared}
PY=${PYTHON:-$HOME/.venvs/micse-bench/bin/python}
K=${K:-15}; THREADS=${THREADS:-2}; RUNS=${RUNS:-3}
EMB=""; SCALING=""
for arg in "$@"; do case "$arg" in --scaling) SCALING=--scaling ;; *) EMB=$arg ;; esac; done
if [[ -z "${OPENBLAS_CORETYPE:-}" ]] && grep -qw avx512f /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE=SkylakeX; fi
OUT=$(mktemp -d /tmp/compare-knn.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

(cd "$ROOT" && swift build -c release --product micse-cluster >/dev/null)
BIN="$ROOT/.build/release/micse-cluster"
if [[ -z "$EMB" ]]; then
  EMB="$OUT/synthetic.npy"
  "$PY" - "$EMB" <<'PYEOF'
import sys, numpy as np
rng = np.random.default_rng(42)
centres = rng.standard_normal((28, 384)).astype(np.float32)
labels = rng.integers(0, 28, 12284)
x = centres[labels] + 0.6 * (1 + rng.random((12284, 1))) * rng.standard_normal((12284, 384))
np.save(sys.argv[1], x.astype(np.float32))
PYEOF
fi

echo "data: $EMB   k = $K (Python k = $((K + 1)), self included)   threads = $THREADS   OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto}" >&2
HF_HUB_OFFLINE=1 BENCH_THREADS=$THREADS "$PY" "$SHARED/bench/bench_knn.py" "$EMB" --k $((K + 1)) --runs "$RUNS" --out "$OUT" > "$OUT/python.json"
"$BIN" bench knn "$EMB" --k "$K" --threads "$THREADS" --runs "$RUNS" --json $SCALING > "$OUT/swift.json"

"$PY" - "$OUT/python.json" "$OUT/swift.json" "$K" <<'PYEOF'
import json, sys
py, sw, k = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
def row(name, ours, theirs, extra=""):
    ratio = f"{ours / theirs:6.2f}x" if theirs else "   –"
    print(f"{name:<34} {ours:8.3f} s {theirs:8.3f} s   ours/theirs {ratio}  {extra}")
print(f"{'':<34} {'ours':>10} {'theirs':>10}")
row("exact vs numpy", sw["exact_s"], py["numpy_exact"]["median_s"])
if "faiss_flatip" in py:
    row("exact vs faiss IndexFlatIP", sw["exact_s"], py["faiss_flatip"]["median_s"])
r_self = (sw["recall"] * k + 1) / (k + 1)
row("NN-descent vs pynndescent warm", sw["approx_s"], py["pynndescent_warm"]["median_s"],
    f"recall ours {sw['recall']:.4f} (self-incl. {r_self:.4f}) vs {py['pynndescent_warm']['recall']:.4f}")
row("NN-descent vs pynndescent 1st call", sw["approx_s"], py["pynndescent_first_call"]["s"])
print(f"CPU seconds (ours, all threads): exact {sw['exact_cpu_s']:.3f}, NN-descent {sw['approx_cpu_s']:.3f}")
for s in sw.get("scaling", []):
    exact = f"{s['exact_s']:.3f} s" if "exact_s" in s else f"~{s['exact_estimated_s']:.1f} s (est.)"
    rec = s.get("recall", s.get("recall_sampled"))
    print(f"synthetic N = {s['n']:>7}: exact {exact}, NN-descent {s['approx_s']:.3f} s, recall {rec:.4f}")
PYEOF
