#!/usr/bin/env bash
# libFuzzer (+ AddressSanitizer) over the model-file parsers of Sources/SentenceEmbedding.
#
#   Tests/Fuzz/run_fuzz.sh safetensors 60     # target: safetensors | pickle | checkpoint; seconds (default 60)
#
# Builds /tmp/micse-fuzz/<target>/fuzz-<target> with `swiftc -sanitize=fuzzer,address`, seeds the corpus from the tiny
# fixtures (Tests/SentenceEmbeddingTests/Fixtures, made by make_model_fixtures.py) and runs for the given time.
# Crashing inputs are written to /tmp/micse-fuzz/<target>/crash-*; reproduce one with `fuzz-<target> crash-…`.
set -euo pipefail
target="${1:-safetensors}"
seconds="${2:-60}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="${MICSE_FUZZ_DIR:-/tmp/micse-fuzz}/$target"
fixtures="$repo/Tests/SentenceEmbeddingTests/Fixtures"
mkdir -p "$out/corpus" "$out/build"

case "$target" in
  safetensors) flag=FUZZ_SAFETENSORS
    cp "$fixtures"/tiny-bert-f16/model.safetensors "$out/corpus/f16.safetensors"
    cp "$fixtures"/tiny-bert-sharded/model-00001-of-00002.safetensors "$out/corpus/shard.safetensors" ;;
  pickle) flag=FUZZ_PICKLE
    for f in tiny-bert-bin tiny-bert-bin-prefixed; do
      (cd "$out/build" && unzip -o -q "$fixtures/$f/pytorch_model.bin" pytorch_model/data.pkl && mv pytorch_model/data.pkl "$out/corpus/$f.pkl")
    done
    cp "$fixtures"/tiny-bert-adversarial/*.pkl "$out/corpus/" ;;
  checkpoint) flag=FUZZ_CHECKPOINT
    cp "$fixtures"/tiny-bert-bin/pytorch_model.bin "$out/corpus/bare.bin"
    cp "$fixtures"/tiny-bert-adversarial/noncontiguous.bin "$out/corpus/noncontiguous.bin" ;;
  *) echo "usage: $0 safetensors|pickle|checkpoint [seconds]" >&2; exit 2 ;;
esac

# MicseSupport as a separate module (ModelLoadingError imports it), then the parsers + harness, instrumented.
swiftc -O -parse-as-library -module-name MicseSupport -emit-module -emit-module-path "$out/build/MicseSupport.swiftmodule" \
  -emit-library -static -o "$out/build/libMicseSupport.a" "$repo"/Sources/MicseSupport/*.swift
se="$repo/Sources/SentenceEmbedding"
swiftc -O -g -parse-as-library -sanitize=fuzzer,address -D "$flag" -module-name SentenceEmbedding \
  -I "$out/build" -L "$out/build" -lMicseSupport \
  "$se/BertWeights.swift" "$se/ModelLoadingError.swift" "$se/BertConfiguration+Loading.swift" "$se/StoredTensor.swift" \
  "$se/SafeTensorsFile.swift" "$se/ZipArchive.swift" "$se/RestrictedUnpickler.swift" "$se/PyTorchCheckpoint.swift" \
  "$repo/Tests/Fuzz/FuzzTarget.swift" -o "$out/fuzz-$target" 2>&1 | { grep -v "Cannot export local symbol" || true; }

cd "$out"
# Swift's own backtracer would take minutes on a deep stack; libFuzzer's report is enough.
export SWIFT_BACKTRACE=enable=no
./"fuzz-$target" -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=4096 -print_final_stats=1 corpus 2>&1 | tail -25
