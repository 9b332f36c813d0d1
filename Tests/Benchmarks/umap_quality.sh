#!/usr/bin/env bash
# Hand-run quality comparison of micse-cluster's UMAP against umap-learn on the same embeddings,
# over several seeds, scored by ../shared/bench/quality.py (trustworthiness k=15, neighbourhood
# preservation k=15, 5-fold 10-NN label accuracy in 2-D; all points, --subsample 0).
#
#   Tests/Benchmarks/umap_quality.sh EMB.npy LABELS.npy [SEEDS...]
#   e.g. Tests/Benchmarks/umap_quality.sh ../scratch-umap/embeddings_cls.npy ../scratch-umap/labels.npy 42 7 1234
#
# Make the inputs once with: python ../shared/bench/bench_embed.py --pooling cls --only sorted --out DIR
# Environment: PYTHON, BENCH_DIR, OUT (default /tmp/umap_quality), THREADS (default 2),
# SKIP_UMAP_LEARN=1 to score only ours. Prints a Markdown table (mean over seeds at the bottom).
set -euo pipefail
cd "$(dirname "$0")/../.."
EMB=${1:?usage: umap_quality.sh EMB.npy LABELS.npy [SEEDS...]}
LABELS=${2:?usage: umap_quality.sh EMB.npy LABELS.npy [SEEDS...]}
shift 2
SEEDS=("$@"); [ ${#SEEDS[@]} -eq 0 ] && SEEDS=(42 7 1234)
PYTHON=${PYTHON:-$HOME/.venvs/micse-bench/bin/python}
BENCH_DIR=${BENCH_DIR:-$(cd .. && pwd)/shared/bench}
OUT=${OUT:-/tmp/umap_quality}
THREADS=${THREADS:-2}
mkdir -p "$OUT"
swift build -c release --product micse-cluster >&2
BIN=.build/release/micse-cluster

for seed in "${SEEDS[@]}"; do
    "$BIN" umap "$EMB" --seed "$seed" --threads "$THREADS" --output "$OUT/micse_seed$seed.csv" --quiet
    HF_HUB_OFFLINE=1 "$PYTHON" "$BENCH_DIR/quality.py" "$EMB" "$OUT/micse_seed$seed.csv" --labels "$LABELS" \
        --subsample 0 --threads "$THREADS" > "$OUT/quality_micse_seed$seed.json" 2>/dev/null
    if [ "${SKIP_UMAP_LEARN:-0}" != 1 ]; then
        HF_HUB_OFFLINE=1 "$PYTHON" "$BENCH_DIR/bench_umap.py" "$EMB" --seed "$seed" --warm 0 --threads "$THREADS" \
            --out "$OUT/umap_learn_seed$seed" > /dev/null 2>&1
        HF_HUB_OFFLINE=1 "$PYTHON" "$BENCH_DIR/quality.py" "$EMB" "$OUT/umap_learn_seed$seed/umap2d_seed$seed.npy" \
            --labels "$LABELS" --subsample 0 --threads "$THREADS" > "$OUT/quality_umap_learn_seed$seed.json" 2>/dev/null
    fi
done

"$PYTHON" - "$OUT" "${SEEDS[@]}" <<'PY'
import json, os, sys
out, seeds = sys.argv[1], sys.argv[2:]
keys = ["trustworthiness", "nbhd_preservation", "knn10_acc_2d"]
print("| implementation | seed | trustworthiness | nbhd preservation | 10-NN acc 2-D |")
print("|---|---|---|---|---|")
means = {}
for impl in ["micse", "umap_learn"]:
    rows = []
    for s in seeds:
        p = os.path.join(out, f"quality_{impl}_seed{s}.json")
        if not os.path.exists(p):
            continue
        q = json.load(open(p))
        rows.append([q[k] for k in keys])
        print(f"| {impl} | {s} | " + " | ".join(f"{q[k]:.4f}" for k in keys) + " |")
    if rows:
        means[impl] = [sum(r[i] for r in rows) / len(rows) for i in range(3)]
for impl, m in means.items():
    print(f"| {impl} | mean | " + " | ".join(f"{v:.4f}" for v in m) + " |")
if len(means) == 2:
    d = [a - b for a, b in zip(means["micse"], means["umap_learn"])]
    print(f"| difference (micse − umap-learn) | | {d[0]:+.4f} | {d[1]:+.4f} | {d[2]:+.4f} |")
PY
