#!/usr/bin/env bash
# The run step of the migcheck GitHub Action (action.yml), kept here so it can be tested
# (crates/migcheck/tests/action.rs). Inputs come as environment variables:
#
#   MIGCHECK_PATHS       files and directories to check, space-separated (default ".")
#   MIGCHECK_BASE_REF    report only files changed since the merge base with this ref (e.g.
#                        origin/main); empty: every file (action.yml defaults it to the pull
#                        request's base branch)
#   MIGCHECK_FAIL_ON     "error" (default) or "warning"
#   MIGCHECK_FORMAT      the format printed to the log (default "github": annotations)
#   MIGCHECK_CONFIG      a migcheck.toml to use instead of the nearest one
#   MIGCHECK_SARIF_FILE  also write SARIF here
#   MIGCHECK_BASELINE    a baseline file (`migcheck check --write-baseline`): report only new
#                        findings
#   MIGCHECK_MAX_ANNOTATIONS  annotations printed at most (default 10: GitHub shows about ten
#                        per step); one more line says how many are left, in the summary
#   MIGCHECK_DATABASE_URL  optional read-only database URL (a secret): the live table sizes are
#                        read once (`migcheck stats`) and every run below weighs its findings
#                        with them; the URL is passed in the environment, never on a command line
#   MIGCHECK_STATS       optional snapshot written by `migcheck stats`, instead of a database
#
# It appends a Markdown summary to $GITHUB_STEP_SUMMARY, writes `markdown-file` and `exit-code`
# to $GITHUB_OUTPUT, and exits with migcheck's code: 0 clean, 1 findings at or above fail-on,
# 2 migcheck could not check something.
set -euo pipefail

read -r -a paths <<< "${MIGCHECK_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
fail_on="${MIGCHECK_FAIL_ON:-error}"
format="${MIGCHECK_FORMAT:-github}"
base="${MIGCHECK_BASE_REF:-}"

max_annotations="${MIGCHECK_MAX_ANNOTATIONS:-10}"

# Every exit writes `exit-code`, a bad input too: a later step that reads it must not see "".
write_outputs() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
      [ -z "${markdown_file:-}" ] || echo "markdown-file=$markdown_file"
      echo "exit-code=$1"
    } >> "$GITHUB_OUTPUT"
  fi
}

args=(check)
case "$fail_on" in
  error) ;;
  warning) args+=(--deny-warnings) ;;
  *)
    echo "::error title=migcheck::fail-on must be \"error\" or \"warning\", not \"$fail_on\""
    write_outputs 2
    exit 2
    ;;
esac
case "$max_annotations" in
  '' | *[!0-9]*)
    echo "::error title=migcheck::max-annotations must be a number, not \"$max_annotations\""
    write_outputs 2
    exit 2
    ;;
esac
if [ -n "${MIGCHECK_BASELINE:-}" ]; then
  args+=(--baseline "$MIGCHECK_BASELINE")
fi
if [ -n "${MIGCHECK_CONFIG:-}" ]; then
  args+=(--config "$MIGCHECK_CONFIG")
fi
if [ -n "$base" ]; then
  # actions/checkout fetches one commit by default: bring the base branch and enough history
  # for a merge base, when there is a remote to fetch from.
  if ! git rev-parse --verify --quiet "${base}^{commit}" > /dev/null && [[ "$base" == origin/* ]]; then
    git fetch --no-tags origin "+refs/heads/${base#origin/}:refs/remotes/${base}" || true
  fi
  if [ "$(git rev-parse --is-shallow-repository 2> /dev/null)" = true ] \
    && ! git merge-base "$base" HEAD > /dev/null 2>&1; then
    git fetch --no-tags --unshallow origin || true
  fi
  args+=(--changed-since "$base")
fi

out_dir="${RUNNER_TEMP:-$(mktemp -d)}"
markdown_file="$out_dir/migcheck-summary.md"

# Live sizes (issue 32): one read-only round trip, then every run uses the snapshot.
stats_failed=0
if [ -n "${MIGCHECK_DATABASE_URL:-}" ]; then
  echo "::add-mask::$MIGCHECK_DATABASE_URL"
  stats_file="$out_dir/migcheck-stats.json"
  rm -f "$stats_file"
  if DATABASE_URL="$MIGCHECK_DATABASE_URL" migcheck stats --output "$stats_file"; then
    args+=(--stats "$stats_file")
  else
    echo "::warning title=migcheck::could not read table sizes from the database (see the log); findings are reported without them"
    stats_failed=1
  fi
elif [ -n "${MIGCHECK_STATS:-}" ]; then
  args+=(--stats "$MIGCHECK_STATS")
fi

set +e
if [ "$format" = github ]; then
  # GitHub shows about ten annotations per step and drops the rest silently: print the first
  # ones and say how many more the summary lists.
  log="$out_dir/migcheck-annotations.txt"
  migcheck "${args[@]}" --format github "${paths[@]}" > "$log"
  code=$?
  total=$(grep -c '^::\(error\|warning\|notice\) ' "$log")
  grep '^::\(error\|warning\|notice\) ' "$log" | head -n "$max_annotations"
  if [ "$total" -gt "$max_annotations" ]; then
    echo "migcheck: $((total - max_annotations)) more annotations not shown; every finding is in the job summary."
  fi
  grep -v '^::\(error\|warning\|notice\) ' "$log"
else
  migcheck "${args[@]}" --format "$format" "${paths[@]}"
  code=$?
fi
migcheck "${args[@]}" --format markdown "${paths[@]}" > "$markdown_file" 2> /dev/null
if [ -n "${MIGCHECK_SARIF_FILE:-}" ]; then
  migcheck "${args[@]}" --format sarif "${paths[@]}" > "$MIGCHECK_SARIF_FILE" 2> /dev/null
fi
set -e

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$markdown_file" >> "$GITHUB_STEP_SUMMARY"
fi
# A database that could not be read is exit 2, as `check --database-url` (the findings above
# were still reported, without sizes).
if [ "$stats_failed" = 1 ] && [ "$code" != 2 ]; then
  code=2
fi
write_outputs "$code"
exit "$code"
