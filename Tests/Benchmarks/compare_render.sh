#!/usr/bin/env bash
# Hand-run: time PNG scatter plots with the Python peers (matplotlib, umap.plot.points, datashader;
# ../shared/bench/bench_render.py) and with `micse-cluster bench render`, on the same inputs:
#   - the coordinates given (default: synthetic blobs, 12,284 points, 3 labels) at 1600×1600
#   - 1,000,000 synthetic points in 20 categories (datashader's case)
# and print the ratios. Then checks every PNG written with pngcheck (a second decoder) and PIL.
#
#   Tests/Benchmarks/compare_render.sh [COORDS.csv LABELS.npy|CSV]
#
# Run on an idle machine with a release build; both sides use 2 threads.
source "$(dirname "$0")/common.sh"
PY=$PYTHON
OUT=${OUT:-$(mktemp -d /tmp/compare-render.XXXX)}
export HF_HUB_OFFLINE=1 BENCH_THREADS=2

swift build -c release --product micse-cluster >&2
BIN=.build/release/micse-cluster

if [ $# -ge 2 ]; then
  COORDS=$1; LABELS=$2
else
  # Synthetic 3-blob layout of 12,284 points, written as the CSVs both sides read.
  "$PY" - "$OUT" <<'PYEOF'
import sys, numpy as np
out = sys.argv[1]
rng = np.random.default_rng(0)
n = 12284
lab = rng.integers(0, 3, n)
pts = rng.normal(0, 5, (3, 2))[lab] + rng.normal(0, 1, (n, 2))
np.savetxt(f"{out}/coords.csv", np.c_[pts, lab], delimiter=",", header="x,y,label", comments="", fmt=["%.5f", "%.5f", "%d"])
np.save(f"{out}/labels.npy", lab)
PYEOF
  COORDS=$OUT/coords.csv; LABELS=$OUT/labels.npy
fi

echo "== Python peers (bench_render.py)" >&2
"$PY" "$SHARED/bench/bench_render.py" "$COORDS" "$LABELS" --out "$OUT/py" --runs 3 > "$OUT/py.json"
echo "== micse-cluster bench render" >&2
"$BIN" bench render --coords "$COORDS" --runs 5 --out "$OUT/ours_n.png" | tee "$OUT/ours_n.txt" >&2
"$BIN" bench render --points 1000000 --categories 20 --runs 3 --out "$OUT/ours_1m.png" | tee "$OUT/ours_1m.txt" >&2

"$PY" - "$OUT" <<'PYEOF'
import json, sys
out = sys.argv[1]
py = json.load(open(f"{out}/py.json"))
def ours(name):
    return json.loads([l for l in open(f"{out}/{name}.txt") if l.startswith("{")][-1])
n, m = ours("ours_n"), ours("ours_1m")
print(f"points: {n['n']:,}")
print(f"  micse-cluster 1600x1600 total      {n['total_s']:.4f} s  (render {n['render_s']:.4f}, png {n['encode_s']:.4f})")
print(f"  matplotlib scatter 1600x1600       {py['matplotlib']['median_s']:.4f} s  ratio {py['matplotlib']['median_s'] / n['total_s']:.1f}x")
if "umap_plot_points" in py:
    print(f"  umap.plot.points 800x800 (fire)    {py['umap_plot_points']['median_s']:.4f} s  ratio {py['umap_plot_points']['median_s'] / n['total_s']:.1f}x")
d = py["datashader_1M"]
print("1,000,000 points, 20 categories:")
print(f"  micse-cluster total                {m['total_s']:.4f} s  (render {m['render_s']:.4f}, png {m['encode_s']:.4f})")
print(f"  datashader warm / first call       {d['median_s']:.4f} / {d['first_call_s']:.4f} s  ratio {d['median_s'] / m['total_s']:.1f}x")
PYEOF

echo "== second decoders" >&2
if command -v pngcheck >/dev/null; then pngcheck "$OUT"/ours_*.png; fi
"$PY" -c "
import sys; from PIL import Image
for p in sys.argv[1:]:
    im = Image.open(p); im.load(); print(p, im.size, im.mode, im.info.get('dpi'))
" "$OUT"/ours_*.png
echo "outputs in $OUT" >&2
