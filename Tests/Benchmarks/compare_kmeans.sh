#!/usr/bin/env bash
# k-means: scikit-learn / faiss (../shared/bench/bench_kmeans.py) and `micse-cluster bench kmeans`
# on the same .npy, same space (raw vectors, as bench_kmeans.py uses them), same thread count.
# Prints time and inertia per k and the ratios micse/sklearn (time, inertia) and micse/faiss (time),
# plus micse's process CPU seconds (the machine may be shared: CPU time is the steadier figure).
#
#   Tests/Benchmarks/compare_kmeans.sh EMB.npy [K ...]      (default K: 3 20; run from the repo root)
#
# EMB.npy: e.g. ../shared/bench/bench_embed.py --pooling mean → bench-out/embeddings_mean.npy
# (12,284 × 384 MiniLM embeddings of tweet_eval_sentiment_test.csv). Environment: PYTHON (default
# $HOME/.venvs/micse-bench/bin/python), THREADS (default 2), RUNS (default 3), KEEP (restarts that go
# on after 10 iterations, `--keep-restarts`: default 3, `all` for scikit-learn's full n_init). The inertia column
# "micse/sk" also appears in micse.json against the sklearn inertias recorded by
# Tests/ClusteringTests/Fixtures/make_kmeans_fixtures.py (same embeddings file assumed).
set -euo pipefail
EMB=${1:?usage: compare_kmeans.sh EMB.npy [K ...]}
shift || true
KS=${*:-3 20}
PYTHON=${PYTHON:-$HOME/.venvs/micse-bench/bin/python}
THREADS=${THREADS:-2}
RUNS=${RUNS:-3}
KEEP=${KEEP:-3}
OUT=${OUT:-$(mktemp -d /tmp/compare_kmeans.XXXXXX)}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BENCH:-$ROOT/../shared/bench}

swift build -c release --product micse-cluster --package-path "$ROOT" >&2
BIN=$(swift build -c release --show-bin-path --package-path "$ROOT")/micse-cluster

echo "== scikit-learn / faiss ($BENCH/bench_kmeans.py, $THREADS threads)" >&2
HF_HUB_OFFLINE=1 "$PYTHON" "$BENCH/bench_kmeans.py" "$EMB" --k $KS --runs "$RUNS" --threads "$THREADS" --out "$OUT" > "$OUT/python.json"
echo "== micse-cluster bench kmeans ($THREADS threads)" >&2
"$BIN" bench kmeans "$EMB" --k $KS --runs "$RUNS" --threads "$THREADS" --space raw --keep-restarts "$KEEP" \
    --reference "$ROOT/Tests/ClusteringTests/Fixtures/kmeans_reference.json" > "$OUT/micse.json"

"$PYTHON" - "$OUT/python.json" "$OUT/micse.json" $KS <<'PY'
import json, sys
py, us = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(f"{'k':>4} {'sklearn s':>10} {'faiss s':>9} {'micse s':>9} {'micse CPU s':>12} {'time sk/micse':>14} {'time faiss/micse':>17}"
      f" {'sklearn inertia':>16} {'faiss inertia':>14} {'micse inertia':>14} {'inertia micse/sk':>17}")
for k in sys.argv[3:]:
    s, f, m = py.get(f"sklearn_k{k}", {}), py.get(f"faiss_k{k}", {}), us[f"micse_k{k}"]
    fs = f.get("median_s", float("nan")); fi = f.get("inertia", float("nan"))
    print(f"{k:>4} {s['median_s']:>10.3f} {fs:>9.3f} {m['median_s']:>9.3f} {m.get('median_cpu_s', float('nan')):>12.3f} {s['median_s']/m['median_s']:>14.2f}"
          f" {fs/m['median_s']:>17.2f} {s['inertia']:>16.1f} {fi:>14.1f} {m['inertia']:>14.1f} {m['inertia']/s['inertia']:>17.5f}")
PY
echo "(raw JSON in $OUT)" >&2
