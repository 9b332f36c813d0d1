#!/usr/bin/env bash
# Hand-run helper for the interactive map: the same headless-Chromium flags the browser tests use.
#   chromium-page.sh dom        map.html[#fragment]            → the DOM after the page script ran (stdout)
#   chromium-page.sh screenshot map.html[#fragment] out.png    → a 1400×1000 screenshot
#   chromium-page.sh time       map.html                       → wall time to ready + the page's own timings
# Chromium comes from `.ci/install-deps --test` (Debian package `chromium`); override with CHROMIUM=….
set -euo pipefail
mode=${1:?usage: chromium-page.sh dom|screenshot|time FILE.html[#fragment] [OUT.png]}
target=${2:?missing FILE.html}
file=${target%%#*}; fragment=""; [[ "$target" == *"#"* ]] && fragment="#${target#*#}"
url="file://$(realpath "$file")$fragment"
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$chromium" ] || { echo "error: Chromium not found; run .ci/install-deps --test" >&2; exit 1; }
profile=$(mktemp -d); trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-extensions --user-data-dir="$profile" --hide-scrollbars)
case "$mode" in
  dom) "$chromium" "${flags[@]}" --virtual-time-budget=30000 --dump-dom "$url" 2>/dev/null ;;
  screenshot) "$chromium" "${flags[@]}" --window-size=1400,1000 --virtual-time-budget=30000 --screenshot="$(realpath -m "${3:?missing OUT.png}")" "$url" 2>/dev/null
              echo "wrote $3" ;;
  time) start=$(date +%s.%N)
        dom=$("$chromium" "${flags[@]}" --virtual-time-budget=60000 --dump-dom "$url" 2>/dev/null)
        end=$(date +%s.%N)
        body=$(grep -o '<body[^>]*>' <<<"$dom")
        echo "file: $(stat -c %s "$file") bytes; chromium wall time (start, load, exit): $(echo "$end - $start" | bc) s"
        echo "page: $body"
        grep -o '<div id="status"[^<]*' <<<"$dom" | sed 's/.*>//' ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
