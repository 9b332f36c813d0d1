#!/usr/bin/env bash
# Hand-run speed comparison: umap-learn (via ../shared/bench/bench_umap.py) and
# `micse-cluster bench umap` on the same embeddings, same thread count, seeded; prints the ratio.
#
#   Tests/Benchmarks/compare_umap.sh EMB.npy [THREADS] [RUNS]
#   e.g. Tests/Benchmarks/compare_umap.sh ../scratch-umap/embeddings_cls.npy 2 3
#
# Environment: PYTHON (default $HOME/.venvs/micse-bench/bin/python), BENCH_DIR (default
# ../shared/bench beside the repository), OUT (default /tmp/compare_umap). Builds the release
# binary first. Also runs the growth benchmark (synthetic blobs 10k → 45k → 200k) unless NO_GROWTH=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
EMB=${1:?usage: compare_umap.sh EMB.npy [THREADS] [RUNS]}
THREADS=${2:-2}
RUNS=${3:-3}
PYTHON=${PYTHON:-$HOME/.venvs/micse-bench/bin/python}
BENCH_DIR=${BENCH_DIR:-$(cd .. && pwd)/shared/bench}
OUT=${OUT:-/tmp/compare_umap}
mkdir -p "$OUT"

swift build -c release --product micse-cluster >&2
BIN=.build/release/micse-cluster

echo "== umap-learn (seed 42, $THREADS threads, cold + $RUNS warm fits)" >&2
HF_HUB_OFFLINE=1 "$PYTHON" "$BENCH_DIR/bench_umap.py" "$EMB" --seed 42 --warm "$RUNS" --threads "$THREADS" \
    --out "$OUT" > "$OUT/umap_learn.json"
echo "== micse-cluster bench umap (seed 42, $THREADS threads, $RUNS runs)" >&2
"$BIN" bench umap "$EMB" --seed 42 --threads "$THREADS" --runs "$RUNS" --output "$OUT/micse_seed42.csv" > "$OUT/micse.json"
/usr/bin/time -f "%e" -o "$OUT/micse_fresh_wall.txt" "$BIN" umap "$EMB" --seed 42 --threads "$THREADS" \
    --output "$OUT/micse_fresh.csv" --quiet

"$PYTHON" - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
py = json.load(open(os.path.join(out, "umap_learn.json")))
sw = json.load(open(os.path.join(out, "micse.json")))["results"][0]
fresh = float(open(os.path.join(out, "micse_fresh_wall.txt")).read().split()[-1])
warm_total = py.get("warm_fit_median_s")
cold_total = (py.get("cold_fit_s") or 0) + (py.get("import_umap_s") or 0) or None
print(json.dumps({"umap_learn": py, "micse": sw, "micse_fresh_process_wall_s": fresh}, indent=1))
print(f"micse-cluster warm total {sw['total']:.3f} s (knn {sw['knn']:.3f}, graph {sw['graph']:.3f}, "
      f"init {sw['init']:.3f}, layout {sw['layout']:.3f}); fresh process {fresh:.2f} s")
if warm_total:
    print(f"umap-learn warm {warm_total:.3f} s -> speed-up {warm_total / sw['total']:.1f}x")
if cold_total:
    print(f"umap-learn fresh process (import + first fit) {cold_total:.2f} s -> speed-up {cold_total / fresh:.1f}x")
PY

if [ "${NO_GROWTH:-0}" != 1 ]; then
    echo "== growth (synthetic blobs, 32-D, 20 clusters)" >&2
    "$BIN" bench umap --growth --sizes 10000,45000,200000 --seed 42 --threads "$THREADS"
fi
