#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60), with a corpus seeded from
# fuzz/seeds/, the shared fixtures (../shared/fixtures) and the repo's own config and catalog.
# The corpus grows in BUILD_DIR/fuzz-corpus/ and is reused by later runs; a crash leaves its
# input in BUILD_DIR/fuzz-artifacts/TARGET/ and makes this script fail.
# Usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]}" && pwd)"
seconds="${2:-60}"
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(decode_zalo decode_telegram command form config); fi
fixtures="$root/../shared/fixtures"

seed() {  # seed TARGET CORPUS
  local t="$1" c="$2"
  cp -n "$root/fuzz/seeds/$t/"* "$c/" 2>/dev/null || true
  case "$t" in
    decode_zalo)     [[ -d "$fixtures" ]] && cp -n "$fixtures"/zalo_*.json "$c/" 2>/dev/null || true ;;
    decode_telegram) [[ -d "$fixtures" ]] && cp -n "$fixtures"/telegram_*.json "$c/" 2>/dev/null || true ;;
    command)
      if [[ -f "$fixtures/commands_variants.txt" ]]; then
        local i=0
        while IFS=$'\t' read -r _ text; do
          [[ -n "$text" ]] || continue
          printf '%s' "$text" > "$c/variant_$i.txt"; i=$((i + 1))
        done < <(grep -v '^#' "$fixtures/commands_variants.txt")
      fi ;;
    config)
      cp -n "$root/config.example.toml" "$c/config_example.toml"
      cp -n "$root/data/procedures.toml" "$c/procedures.toml" ;;
  esac
}

dict_of() {
  case "$1" in
    decode_*) echo "$root/fuzz/json.dict" ;;
    config) echo "$root/fuzz/toml.dict" ;;
    *) echo "$root/fuzz/text.dict" ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$t"
  [[ -x "$bin" ]] || { echo "fuzz: $bin is not built" >&2; exit 2; }
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  seed "$t" "$corpus"
  echo "fuzz: $t for ${seconds}s (corpus $(ls "$corpus" | wc -l) files)"
  log="$build/fuzz-$t.log"
  if ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
      "$bin" "$corpus" -dict="$(dict_of "$t")" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=16384 -artifact_prefix="$artifacts/" -print_final_stats=1 > "$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -2 | sed "s/^/fuzz: $t: /"
  else
    status=1
    echo "fuzz: $t FOUND A CRASH — input in $artifacts/, log $log:" >&2
    grep -A30 -E 'ERROR|runtime error|deadly signal|Timeout|out-of-memory' "$log" | head -60 >&2
  fi
done
exit $status
