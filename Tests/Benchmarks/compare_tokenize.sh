#!/usr/bin/env bash
# Tokenizer throughput: HF BertTokenizerFast (../shared/bench/bench_tokenize.py, venv python) and
# `micse-cluster bench tokenize` on the same corpus, model and truncation, in one run; prints both
# and the ratios (ours / theirs; > 1 means we are faster).
#
#   Tests/Benchmarks/compare_tokenize.sh [--csv PATH] [--model DIR] [--max-length N] [--runs N]
#
# Environment: PYTHON (default $HOME/.venvs/micse-bench/bin/python), SHARED (default ../shared
# beside the repository). Builds the release binary first. Times are medians of --runs runs.
source "$(dirname "$0")/common.sh"
MODEL="$BUNDLED_MODEL"
MAX_LENGTH=128
RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --csv) CSV=$2; shift 2 ;;
    --model) MODEL=$2; shift 2 ;;
    --max-length) MAX_LENGTH=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
OUT=$(mktemp -d /tmp/compare_tokenize.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

swift build -c release --product micse-cluster >&2
echo "== Python peer: bench_tokenize.py (BertTokenizerFast, 2 threads)" >&2
HF_HUB_OFFLINE=1 "$PYTHON" "$SHARED/bench/bench_tokenize.py" --csv "$CSV" --model "$MODEL" \
  --max-length "$MAX_LENGTH" --runs "$RUNS" --threads 2 --out "$OUT/py" > "$OUT/py.json"
echo "== micse-cluster bench tokenize" >&2
"$ROOT/.build/release/micse-cluster" bench tokenize --csv "$CSV" --model "$MODEL" \
  --max-length "$MAX_LENGTH" --runs "$RUNS" --threads 2 > "$OUT/swift.json"

"$PYTHON" - "$OUT/py.json" "$OUT/swift.json" <<'PY'
import json, sys
py, sw = (json.load(open(p)) for p in sys.argv[1:3])
print(f"corpus {py['csv']} ({py['n']} texts), max_length {py['max_length']}")
rows = [("batched, 2 threads", py["fast_batch"], sw["batched"]),
        ("one at a time", py["fast_one_by_one"], sw["one_by_one"]),
        ("single thread (ours) vs HF batch", py["fast_batch"], sw["single"])]
print(f"{'mode':36} {'HF texts/s':>12} {'ours texts/s':>14} {'ratio':>7}")
for name, a, b in rows:
    print(f"{name:36} {a['texts_per_s']:12,.0f} {b['texts_per_s']:14,.0f} {b['texts_per_s'] / a['texts_per_s']:7.2f}")
print(f"{'slow Python BertTokenizer':36} {py['slow_batch']['texts_per_s']:12,.0f}")
tl_py, tl_sw = py["token_lengths"], sw["token_lengths"]
print(f"token lengths: HF total {tl_py['total']} p50 {tl_py['p50']} max {tl_py['max']} truncated {tl_py['truncated']}; "
      f"ours total {tl_sw['total']} p50 {tl_sw['p50']} max {tl_sw['max']} truncated {tl_sw['truncated']}")
print("same total token count:", tl_py["total"] == tl_sw["total"])
PY
