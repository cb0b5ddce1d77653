#!/usr/bin/env bash
# The project's test command (README): installs what the tests need on a fresh machine, then
# runs every test. Tests that need PostgreSQL start their own throwaway server from the
# PostgreSQL server binaries (initdb, pg_ctl, postgres); this script only makes sure they exist.
set -euo pipefail
cd "$(dirname "$0")/.."

have_pg_server() {
  command -v initdb >/dev/null 2>&1 && return 0
  command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

if ! have_pg_server; then
  echo "scripts/test.sh: PostgreSQL server binaries not found; installing them" >&2
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    # Debian starts a cluster on install; the tests use their own throwaway servers.
    service postgresql stop >/dev/null 2>&1 || true
  else
    echo "Install PostgreSQL (e.g. 'sudo apt-get install postgresql' or 'brew install postgresql@16') and run again." >&2
    exit 2
  fi
fi

# The extensions real Supabase sets create that Debian packages for the installed server's
# major version (issue 12 item 9, issue 29 item 3): pg_cron, hypopg, plpgsql_check, pgTAP.
# `vector`, `http`, `pg_net`, `pgmq`, `pgsodium`, `supabase_vault` have no Debian package
# (checked with `apt-cache search postgresql-15` on Debian 12): those sets need `supabase start`
# and `--server-url` (docs/replay.md, "Extensions").
pg_major() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] && basename "$(dirname "$d")"
}
major=$(pg_major || true)
if [ -n "$major" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  wanted=()
  for pair in pg_cron:cron hypopg:hypopg plpgsql_check:plpgsql-check pgtap:pgtap; do
    [ -f "/usr/share/postgresql/$major/extension/${pair%%:*}.control" ] \
      || wanted+=("postgresql-$major-${pair#*:}")
  done
  if [ ${#wanted[@]} -gt 0 ]; then
    echo "scripts/test.sh: installing ${wanted[*]} for the replay tests" >&2
    apt-get update -qq || true
    for p in "${wanted[@]}"; do
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null \
        || echo "scripts/test.sh: $p not available; the replay tests check the missing-extension report instead" >&2
    done
  fi
fi

# PgBouncer (Debian's package) for the pooler tests: `check --database-url` through it in
# transaction mode, as Supabase's pooler on port 6543 (issue 32). Debian does not start it.
if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh: installing pgbouncer for the pooler tests" >&2
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
    service pgbouncer stop >/dev/null 2>&1 || true
  else
    echo "Install PgBouncer (e.g. 'sudo apt-get install pgbouncer') and run again: the pooler tests need it." >&2
    exit 2
  fi
fi

# The runner: cargo-nextest when it is installed (it is on the CI machine), else `cargo test`.
# nextest runs the tests of every test binary side by side (each in its own process), so the
# binaries that start PostgreSQL servers no longer wait for the ones that do not, and the
# reverse; `cargo test` runs one binary after the other. Arguments go to the runner:
# `./scripts/test.sh --no-run` builds the tests only (.ci/run does, then starts the release
# build beside the test run), `./scripts/test.sh hostile` runs the tests whose names match.
# MIGCHECK_TEST_RUNNER=cargo forces `cargo test`.
if [ "${MIGCHECK_TEST_RUNNER:-}" != cargo ] && cargo nextest --version >/dev/null 2>&1; then
  # nextest does not run documentation tests: they run first, so that nextest's summary is the
  # run's closing line.
  case " $* " in
    *" --no-run "*) ;;
    *) [ $# -gt 0 ] || cargo test --locked --doc ;;
  esac
  case " $* " in
    # Build only (nextest refuses its run options with --no-run).
    *" --no-run "*) cargo nextest run --locked "$@" ;;
    # Four at once on two cores: many tests wait on a PostgreSQL server or a child process.
    *) cargo nextest run --locked --no-fail-fast --test-threads "${MIGCHECK_TEST_THREADS:-4}" "$@" ;;
  esac
else
  cargo test --locked "$@"
fi
