#!/usr/bin/env bash
# Encoder throughput: ../shared/bench/bench_embed.py (sentence-transformers encode, transformers AutoModel in
# input order and length-sorted, numpy/torch sgemm) and `micse-cluster bench embed` on the same texts, in one run,
# for the bundled all-MiniLM-L6-v2 (mean pooling) and a bert-base-shaped random model (cls pooling; for its
# sentence-transformers run, a folder beside it adds CLS-pooling modules.json, as miCSE would be wrapped). Prints
# sentences/s, GFLOP/s, each side's share of its own sgemm ceiling, the ratios (ours / theirs; > 1 means we are
# faster) and the largest difference between the two sides' vectors.
#
#   Tests/Benchmarks/compare_embed.sh [--csv PATH] [--limit N] [--base-limit N] [--runs N] [--skip-base]
#
# Defaults: the 12,284-tweet test CSV, first 2,000 texts for MiniLM and 500 for bert-base, 1 run each.
# The random bert-base model is made once in $SCRATCH (default /tmp/micse-bench-models) by
# ../shared/bench/make_bert_base_random.py. Environment: PYTHON (default $HOME/.venvs/micse-bench/bin/python),
# SHARED (default ../shared beside the repository). Both sides use 2 threads. Builds the release binary first.
source "$(dirname "$0")/common.sh"
SCRATCH=${SCRATCH:-/tmp/micse-bench-models}
MINILM="$BUNDLED_MODEL"
LIMIT=2000
BASE_LIMIT=500
RUNS=1
SKIP_BASE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --csv) CSV=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    --base-limit) BASE_LIMIT=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --skip-base) SKIP_BASE=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
OUT=$(mktemp -d /tmp/compare_embed.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
export HF_HUB_OFFLINE=1

swift build -c release --product micse-cluster >&2
BIN="$ROOT/.build/release/micse-cluster"

run_pair() {  # name model pooling limit python-steps...  (PY_MODEL: another folder for the Python side)
  local name=$1 model=$2 pooling=$3 limit=$4; shift 4
  echo "== $name: bench_embed.py ($*), $limit texts" >&2
  "$PYTHON" "$SHARED/bench/bench_embed.py" --csv "$CSV" --model "${PY_MODEL:-$model}" --pooling "$pooling" --limit "$limit" \
    --runs "$RUNS" --threads 2 --only "$@" --out "$OUT/$name-py" > "$OUT/$name-py.json"
  echo "== $name: micse-cluster bench embed" >&2
  # --max-length 128: bench_embed.py's truncation (for MiniLM ours would otherwise be 256, sentence-transformers' own).
  "$BIN" bench embed --csv "$CSV" --model "$model" --pooling "$pooling" --limit "$limit" --runs "$RUNS" \
    --max-length 128 --threads 2 --output "$OUT/$name-ours.npy" > "$OUT/$name-swift.json"
}

run_pair minilm "$MINILM" mean "$LIMIT" sgemm st unsorted sorted
if [ "$SKIP_BASE" = 0 ]; then
  [ -f "$SCRATCH/bert-base-random/config.json" ] || "$PYTHON" "$SHARED/bench/make_bert_base_random.py" "$SCRATCH/bert-base-random" >&2
  # The same weights seen by sentence-transformers: links to the files plus its module files (CLS pooling).
  ST_DIR="$SCRATCH/bert-base-random-st"
  if [ ! -f "$ST_DIR/modules.json" ]; then
    mkdir -p "$ST_DIR/1_Pooling"
    for f in "$SCRATCH"/bert-base-random/*; do ln -sf "$f" "$ST_DIR/$(basename "$f")"; done
    echo '[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]' > "$ST_DIR/modules.json"
    echo '{"word_embedding_dimension": 768, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}' \
      > "$ST_DIR/1_Pooling/config.json"
    echo '{"max_seq_length": 128, "do_lower_case": false}' > "$ST_DIR/sentence_bert_config.json"
  fi
  PY_MODEL="$ST_DIR" run_pair bert-base "$SCRATCH/bert-base-random" cls "$BASE_LIMIT" sgemm st unsorted sorted
fi

"$PYTHON" - "$OUT" <<'PY'
import json, pathlib, sys
import numpy as np
out = pathlib.Path(sys.argv[1])
for name in ("minilm", "bert-base"):
    if not (out / f"{name}-swift.json").exists():
        continue
    py = json.load(open(out / f"{name}-py.json"))
    sw = json.load(open(out / f"{name}-swift.json"))
    ceiling_py = py["sgemm_numpy"]["gflops"]
    ceiling_sw = sw["sgemm"]["gflops"]
    enc = sw["encode"]
    ours = sw["embed_total"]["sentences_per_s"]
    print(f"\n{name}: {sw['n']} texts of {py['csv']}, pooling {sw['pooling']}, max_length {sw['max_length']}, 2 threads")
    print(f"  sgemm 2048²: numpy {ceiling_py:.1f} GFLOP/s, torch {py['sgemm_torch']['gflops']:.1f}, "
          f"ours (OpenBLAS {sw['openblas_core']}) {ceiling_sw:.1f}")
    print(f"  {'run':34} {'sentences/s':>12} {'GFLOP/s':>9} {'% ceiling':>10} {'ours ÷ it':>10}")
    for step, label in (("st", "sentence-transformers encode"), ("unsorted", "AutoModel, input order"),
                        ("sorted", "AutoModel, length-sorted")):
        if step in py:
            r = py[step]
            print(f"  {label:34} {r['sentences_per_s']:12.1f} {r['gflops_executed_per_s']:9.1f} "
                  f"{100 * r['gflops_executed_per_s'] / ceiling_py:9.0f}% {ours / r['sentences_per_s']:10.2f}")
    print(f"  {'micse-cluster (tokenize + encode)':34} {ours:12.1f} {'':9} {'':10}")
    print(f"  {'micse-cluster encoder only':34} {enc['sentences_per_s']:12.1f} {enc['gflops_per_s']:9.1f} "
          f"{100 * enc['gflops_per_s'] / ceiling_sw:9.0f}%   (full-model FLOPs, as for PyTorch)")
    if abs(enc["computed_gflops_per_s"] - enc["gflops_per_s"]) > 1e-9:
        print(f"  {'  FLOPs it computes (CLS last layer)':34} {'':12} {enc['computed_gflops_per_s']:9.1f} "
              f"{100 * enc['computed_gflops_per_s'] / ceiling_sw:9.0f}%")
    print(f"  tokenizer: {sw['tokenize']['texts_per_s']:,.0f} texts/s")
    ref = out / f"{name}-py" / f"embeddings_{sw['pooling']}.npy"
    if ref.exists():
        a, b = np.load(ref), np.load(out / f"{name}-ours.npy")
        cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
        print(f"  vectors vs AutoModel: max abs diff {np.abs(a - b).max():.2e}, min cosine {cos.min():.7f}")
PY
