#!/usr/bin/env bash
# Checks the house's layering rules that the compiler cannot (run by ctest as check_layers):
#   - SQL only in storage/: no SQL text in string literals and no SQLite statement API
#     (SQLite::Statement/Database/Transaction, execAndGet, exec(), prepared()) elsewhere;
#     tests/ and bench/ may keep SQL;
#   - handlers/ write no std::cerr (they log through log/log.hpp) and include nothing of bot/,
#     Beast or Asio; storage/ includes nothing of handlers/ or bot/; domain/ includes none of
#     the layers above it.
# Prints every offending file:line and exits 1; exits 0 when the tree is clean.
# Usage: scripts/check-layers.sh [SOURCE_DIR]   (default: the repository this script is in)
set -uo pipefail

root=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"}
cd "$root" || exit 2

failures=0

# Every C++ source outside the directories allowed to hold SQL (and outside build trees).
sources() {
  find . \( -path ./.git -o -path './build*' -o -path ./storage -o -path ./tests -o -path ./bench \) -prune \
    -o -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) -print | sed 's|^\./||' | sort
}

# report RULE PATTERN FILES...: prints file:line: RULE for each line matching the extended regex,
# comment lines (//, ///, /* and * continuations) left out.
report() {
  local rule=$1 pattern=$2
  shift 2
  (($# == 0)) && return 0
  local hits
  hits=$(grep -nHE -- "$pattern" "$@" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/\*|\*)')
  if [[ -n $hits ]]; then
    while IFS= read -r line; do
      local where=${line%%:*}
      local rest=${line#*:}
      local num=${rest%%:*}
      local text=${rest#*:}
      text=$(sed -E 's/^[[:space:]]+//' <<<"$text")
      echo "$where:$num: $rule: $text"
    done <<<"$hits"
    failures=$((failures + $(wc -l <<<"$hits")))
  fi
}

mapfile -t outside_storage < <(sources)

sql_words='SELECT|INSERT|UPDATE|DELETE|REPLACE INTO|CREATE|DROP|ALTER|PRAGMA|VACUUM|ATTACH|SAVEPOINT|RELEASE [a-z_]+|ROLLBACK|BEGIN (IMMEDIATE|DEFERRED|EXCLUSIVE|TRANSACTION)|COMMIT'
# A SQL keyword inside a string literal ("SELECT …"), or opening a line of a raw string.
report "SQL outside storage/" "\"[^\"]*\\b($sql_words)\\b" "${outside_storage[@]}"
report "SQL outside storage/" "^[[:space:]]*(SELECT|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET|CREATE (TABLE|INDEX|UNIQUE|TRIGGER|VIEW))\\b" \
  "${outside_storage[@]}"
report "SQLite statement API outside storage/" \
  'SQLite::(Statement|Database|Transaction|Backup|Column)\b|execAndGet|[.>]exec\(|\bprepared\(|sqlite3_(exec|prepare)' \
  "${outside_storage[@]}"

mapfile -t handlers < <(find handlers -type f \( -name '*.cpp' -o -name '*.hpp' \) 2>/dev/null | sort)
report "handlers/ must log through log/log.hpp" 'std::(cerr|clog)\b|\bstderr\b' "${handlers[@]}"
report "handlers/ must not include bot/, Beast or Asio" '#[[:space:]]*include[[:space:]]*[<"](bot/|boost/(beast|asio))' "${handlers[@]}"

mapfile -t storage < <(find storage -type f \( -name '*.cpp' -o -name '*.hpp' \) 2>/dev/null | sort)
report "storage/ must not include handlers/ or bot/" '#[[:space:]]*include[[:space:]]*"(handlers|bot)/' "${storage[@]}"

mapfile -t domain < <(find domain -type f \( -name '*.cpp' -o -name '*.hpp' \) 2>/dev/null | sort)
report "domain/ must not include storage/, handlers/, bot/ or log/" '#[[:space:]]*include[[:space:]]*"(storage|handlers|bot|log)/' \
  "${domain[@]}"

if ((failures > 0)); then
  echo "check-layers: $failures problem(s); see the rules at the top of scripts/check-layers.sh" >&2
  exit 1
fi
echo "check-layers: ok (${#outside_storage[@]} files outside storage/ checked)"
