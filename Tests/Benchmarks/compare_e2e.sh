#!/usr/bin/env bash
# End to end, side by side in one run: the Python pipeline a user runs today (../shared/bench/e2e.py:
# sentence-transformers encode + umap-learn + scikit-learn KMeans + umap.plot PNG, fresh process) against
# micse-cluster (release build) on the same corpus, each under GNU time for wall time and peak memory;
# then micse-cluster again with other UMAP options, which reuses the cached embeddings.
#
#   Tests/Benchmarks/compare_e2e.sh [CSV] [OUT]
# Needs the bench venv (../shared/bench/README.md): $PYTHON, default ~/.venvs/micse-bench/bin/python
# (set-up shared with the other scripts in common.sh).
source "$(dirname "$0")/common.sh"
csv=${1:-$CSV}
out=${2:-/tmp/micse-e2e}
py=$PYTHON
mkdir -p "$out"
swift build -c release --product micse-cluster >/dev/null
bin=.build/release/micse-cluster

measure() {  # name, command...: prints "name wall_s rss_mib"
  local name=$1; shift
  /usr/bin/time -v "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" || { tail -5 "$out/$name.stderr"; exit 1; }
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$out/$name.stderr" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(grep "Maximum resident set size" "$out/$name.stderr" | awk '{print $NF/1024}')
  echo "$name $wall $rss"
}

export HF_HUB_OFFLINE=1
cache=$(mktemp -d)   # an empty embedding cache, so the first run embeds
python_line=$(measure python "$py" "$SHARED/bench/e2e.py" --csv "$csv" --out "$out/python")
first_line=$(MICSE_CACHE_DIR=$cache measure micse_first "$bin" "$csv" --plot "$out/micse.png" --csv "$out/micse.csv" --theme fire)
second_line=$(MICSE_CACHE_DIR=$cache measure micse_cached "$bin" "$csv" --plot "$out/micse2.png" --csv "$out/micse2.csv" --min-dist 0.3 --theme fire)
rm -rf "$cache"

echo
echo "corpus: $csv ($(nproc) cores, $(date -u +%F))"
printf "%-34s %10s %12s %14s\n" "run" "wall (s)" "peak (MiB)" "speed-up"
read -r _ pw pr <<<"$python_line"
for line in "$python_line" "$first_line" "$second_line"; do
  read -r name w r <<<"$line"
  printf "%-34s %10.1f %12.0f %13.1fx\n" "$name" "$w" "$r" "$(echo "$pw / $w" | bc -l)"
done
echo "memory ratio (micse first / python): $(echo "scale=2; $(echo "$first_line" | awk '{print $3}') / $pr" | bc -l)"
echo "stage times of the first micse run:"; grep -E "^(read|embed|umap|kmeans|write) " "$out/micse_first.stderr" || true
