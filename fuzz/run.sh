#!/usr/bin/env bash
# Runs every libFuzzer target, in one of two modes:
#   fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]       (make fuzz)
#     SECONDS per target (default 60), on a corpus seeded from fuzz/seeds/, the test
#     fixtures (tests/fixtures) and the repo's own config and catalog. The corpus grows in
#     BUILD_DIR/fuzz-corpus/ and is reused by later runs; a crash leaves its input in
#     BUILD_DIR/fuzz-artifacts/TARGET/ and makes this script fail.
#   fuzz/run.sh --smoke RUNS BUILD_DIR [TARGET...]    (make fuzz-smoke, CI)
#     Deterministic: the same seeds, then RUNS executions in all (seeds included) with
#     -seed=1 and -use_cmp=0, so a commit mostly passes or fails the same way every time (the
#     decoders and form repeat exactly; command and config still drift after some thousand runs). Starts from a fresh
#     copy of the seeds in BUILD_DIR/fuzz-smoke/corpus/TARGET/ (new inputs go there, never
#     into fuzz/seeds/); a crash, leak or UBSan report leaves its input in
#     BUILD_DIR/fuzz-smoke/artifacts/TARGET/, prints it in base64 and makes this script fail.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
usage="usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...] | fuzz/run.sh --smoke RUNS BUILD_DIR [TARGET...]"
smoke_runs=""
if [[ "${1:-}" == --smoke ]]; then
  smoke_runs="${2:?$usage}"
  [[ "$smoke_runs" =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }
  shift 2
fi
build="$(cd "${1:?$usage}" && pwd)"
if [[ -n "$smoke_runs" ]]; then
  shift
else
  seconds="${2:-60}"
  shift $(( $# >= 2 ? 2 : 1 ))
fi
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(decode_zalo decode_telegram command form config import); fi
fixtures="$root/tests/fixtures"

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

# A crash's input in the log too: CI keeps the log, not the build directory.
show_artifacts() {  # show_artifacts DIR
  local f
  for f in "$1"/*; do
    [[ -f "$f" ]] || continue
    echo "fuzz: input $f ($(stat -c %s "$f") bytes), base64:" >&2
    head -c 8192 "$f" | base64 -w 0 >&2; echo >&2
  done
}

sanitizer_env=(ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
common=(-timeout=10 -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1)
status=0
if [[ -n "$smoke_runs" ]]; then
  out="$build/fuzz-smoke"
  rm -rf "$out"
fi
for t in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$t"
  [[ -x "$bin" ]] || { echo "fuzz: $bin is not built" >&2; exit 2; }
  if [[ -n "$smoke_runs" ]]; then
    corpus="$out/corpus/$t"
    artifacts="$out/artifacts/$t"
    log="$out/$t.log"
    # Without CMP-guided mutations: they feed on compared values, pointers included, which
    # ASLR changes from run to run; with them the same seed gives different inputs.
    mode=(-seed=1 -runs="$smoke_runs" -use_cmp=0)
    what="$smoke_runs runs"
  else
    corpus="$build/fuzz-corpus/$t"
    artifacts="$build/fuzz-artifacts/$t"
    log="$build/fuzz-$t.log"
    mode=(-max_total_time="$seconds")
    what="${seconds}s"
  fi
  mkdir -p "$corpus" "$artifacts"
  seed "$t" "$corpus"
  echo "fuzz: $t for $what (corpus $(ls "$corpus" | wc -l) files)"
  start=$SECONDS
  if env "${sanitizer_env[@]}" "$bin" "$corpus" -dict="$(dict_of "$t")" "${mode[@]}" "${common[@]}" \
      -artifact_prefix="$artifacts/" > "$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -2 | sed "s/^/fuzz: $t: /"
    echo "fuzz: $t: $((SECONDS - start))s"
  else
    status=1
    echo "fuzz: $t FOUND A CRASH — input in $artifacts/, log $log:" >&2
    grep -A30 -E 'ERROR|runtime error|deadly signal|Timeout|out-of-memory' "$log" | head -60 >&2
    show_artifacts "$artifacts"
    echo "fuzz: to reproduce: ${sanitizer_env[*]} $bin $artifacts/<file>" >&2
  fi
done
exit $status
