#!/usr/bin/env bash
# Model loading, ours vs PyTorch's, on a bert-base-sized random model (440 MB fp32) in page cache.
#
#   Tests/Benchmarks/compare_model_load.sh [model-dir …]     (default: generated bert-base safetensors + bin,
#                                                              and the bundled all-MiniLM-L6-v2)
# The random bert-base is generated once into ${MICSE_BENCH_DIR:-/tmp/micse-bench-models} by make_bert_base_random.py.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
python="${MICSE_PYTHON:-$HOME/.venvs/micse-bench/bin/python}"
work="${MICSE_BENCH_DIR:-/tmp/micse-bench-models}"
build="$work/build"
mkdir -p "$build"
export HF_HUB_OFFLINE=1

if [ $# -eq 0 ]; then
  [ -f "$work/bert-base/safetensors/model.safetensors" ] || "$python" "$repo/Tests/Benchmarks/make_bert_base_random.py" "$work/bert-base"
  set -- "$work/bert-base/safetensors" "$work/bert-base/bin" "${MICSE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/micse-cluster}/models/all-MiniLM-L6-v2"
fi

se="$repo/Sources/SentenceEmbedding"
swiftc -O -parse-as-library -module-name MicseSupport -emit-module -emit-module-path "$build/MicseSupport.swiftmodule" \
  -emit-library -static -o "$build/libMicseSupport.a" "$repo"/Sources/MicseSupport/*.swift
swiftc -O -parse-as-library -module-name BenchModelLoad -I "$build" -L "$build" -lMicseSupport \
  "$se/BertWeights.swift" "$se/ModelLoadingError.swift" "$se/BertConfiguration+Loading.swift" "$se/StoredTensor.swift" \
  "$se/SafeTensorsFile.swift" "$se/ZipArchive.swift" "$se/RestrictedUnpickler.swift" "$se/PyTorchCheckpoint.swift" \
  "$se/WeightLoader.swift" "$se/ModelDirectory.swift" "$se/ModelResolver.swift" \
  "$repo/Tests/Benchmarks/bench_model_load.swift" -o "$build/bench-model-load"

for dir in "$@"; do
  echo "== $dir"
  cat "$dir"/*.safetensors "$dir"/*.bin > /dev/null 2>&1 || true   # warm the page cache
  ours=$("$build/bench-model-load" "$dir" 5 | tee /dev/stderr | sed -nE '/load weights/ s/.*median ([0-9.]+) s.*/\1/p')
  peer=$("$python" "$repo/Tests/Benchmarks/peer_model_load.py" "$dir" 3 2>/dev/null | tee /dev/stderr | sed -nE '/from_pretrained/ s/.*median ([0-9.]+) s.*/\1/p')
  awk -v o="$ours" -v p="$peer" 'BEGIN { if (o > 0) printf "ratio python from_pretrained / ours (wall medians): %.2f\n", p / o }'
done
