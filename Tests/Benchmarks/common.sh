# Shared set-up of the hand-run comparison scripts (sourced, not run): goes to the repository root and sets
#   ROOT    the repository
#   SHARED  ../shared beside it (or $SHARED / $MICSE_SHARED, as the tests read), which must hold bench/ and data/
#   PYTHON  the bench venv's interpreter (../shared/bench/README.md; default ~/.venvs/micse-bench/bin/python)
#   CSV     the default corpus, the 12,284 tweets of tweet_eval_sentiment_test.csv
#   BUNDLED_MODEL  where .ci/install-deps unpacked all-MiniLM-L6-v2 (honours MICSE_HOME and XDG_CACHE_HOME)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[1]}")/../.."
ROOT=$(pwd)
SHARED=${SHARED:-${MICSE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}}
[ -d "$SHARED/bench" ] || { echo "error: ../shared/bench not found beside the repository; set SHARED" >&2; exit 1; }
PYTHON=${PYTHON:-$HOME/.venvs/micse-bench/bin/python}
CSV="$SHARED/data/tweet_eval_sentiment_test.csv"
BUNDLED_MODEL="${MICSE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/micse-cluster}/models/all-MiniLM-L6-v2"
