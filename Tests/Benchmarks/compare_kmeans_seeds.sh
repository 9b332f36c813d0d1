#!/usr/bin/env bash
# k-means inertia over several seeds: which restarts win depends on the seed, so one seed's inertia
# can be a few tenths of a percent on either side of scikit-learn's. This prints, per seed S,
# scikit-learn's KMeans(n_init=10, random_state=S) inertia and ours (`micse-cluster bench kmeans
# --seed S`, raw space, as bench_kmeans.py) with the default restart pruning (3 restarts go on after
# 10 iterations) and with every restart run to the end (`--keep-restarts all`), and the means.
#
#   Tests/Benchmarks/compare_kmeans_seeds.sh EMB.npy [K] [SEEDS]      (default K 20, SEEDS 8: seeds 0…7)
#
# Environment: PYTHON (default $HOME/.venvs/micse-bench/bin/python), THREADS (default 2).
set -euo pipefail
EMB=${1:?usage: compare_kmeans_seeds.sh EMB.npy [K] [SEEDS]}
K=${2:-20}
SEEDS=${3:-8}
PYTHON=${PYTHON:-$HOME/.venvs/micse-bench/bin/python}
THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

swift build -c release --product micse-cluster --package-path "$ROOT" >&2
BIN=$(swift build -c release --show-bin-path --package-path "$ROOT")/micse-cluster

ours=()
for keep in 3 all; do
  for ((s = 0; s < SEEDS; s++)); do
    ours+=("$("$BIN" bench kmeans "$EMB" --k "$K" --runs 1 --seed "$s" --threads "$THREADS" --space raw --keep-restarts "$keep" 2>/dev/null \
      | "$PYTHON" -c "import json, sys; print(json.load(sys.stdin)['micse_k$K']['inertia'])")")
  done
done

"$PYTHON" - "$EMB" "$K" "$SEEDS" "$THREADS" "${ours[@]}" <<'PY'
import sys
import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits
emb, k, seeds, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
values = [float(v) for v in sys.argv[5:]]
ours, full = values[:seeds], values[seeds:]
X = np.load(emb)
theirs = []
with threadpool_limits(threads):
    for s in range(seeds):
        theirs.append(float(KMeans(n_clusters=k, n_init=10, random_state=s).fit(X).inertia_))
print(f"{'seed':>4} {'sklearn inertia':>16} {'micse (keep 3)':>15} {'micse/sk':>9} {'micse (all)':>12} {'micse/sk':>9}")
for s in range(seeds):
    print(f"{s:>4} {theirs[s]:>16.1f} {ours[s]:>15.1f} {ours[s] / theirs[s]:>9.5f} {full[s]:>12.1f} {full[s] / theirs[s]:>9.5f}")
m_sk, m_us, m_full = sum(theirs) / seeds, sum(ours) / seeds, sum(full) / seeds
print(f"mean {m_sk:>16.1f} {m_us:>15.1f} {m_us / m_sk:>9.5f} {m_full:>12.1f} {m_full / m_sk:>9.5f}")
PY
