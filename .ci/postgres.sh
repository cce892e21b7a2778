#!/usr/bin/env bash
# Make a throwaway PostgreSQL server available on 127.0.0.1 for the test suite.
#
# stdout: exactly one line, the SQLAlchemy URL (psycopg 3 driver).
# stderr: progress lines only.
#
# Env:
#   PGDATA_DIR  data directory (default /tmp/supervision-ci-pg); socket + log live inside it
#   PGPORT      TCP port on 127.0.0.1 (default 54329)
#
# Idempotent: if the database already answers on the port, it only prints the URL.
# Works as root (server runs as the `postgres` OS user) and, if PostgreSQL is already
# installed, as an ordinary user (server then runs as that user).
set -euo pipefail

# Everything goes to stderr; fd 3 keeps the real stdout for the final URL.
exec 3>&1 1>&2

PGDATA_DIR="${PGDATA_DIR:-/tmp/supervision-ci-pg}"
PGPORT="${PGPORT:-54329}"
DB_USER=supervision
DB_PASS=supervision
DB_NAME=supervision_test
HOST=127.0.0.1
URL="postgresql+psycopg://${DB_USER}:${DB_PASS}@${HOST}:${PGPORT}/${DB_NAME}"

T0=$SECONDS
log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
emit_url() { log "ready after $((SECONDS - T0))s: $URL"; printf '%s\n' "$URL" >&3; exit 0; }

# Don't let a caller's libpq environment redirect our client calls.
unset PGHOST PGHOSTADDR PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS PGSSLMODE PGPASSFILE PGSERVICEFILE || true
export PGCONNECT_TIMEOUT=5

find_bindir() {
    # Highest installed major version that has the server binaries.
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then printf '%s\n' "$d"; fi
    done | sort -V | tail -n 1
}

# True if our database answers on 127.0.0.1:$PGPORT with our credentials.
db_answers() {
    local psql_bin="$1"
    [[ -n "$psql_bin" ]] || return 1
    PGPASSWORD="$DB_PASS" "$psql_bin" -X -q -At -w \
        -h "$HOST" -p "$PGPORT" -U "$DB_USER" -d "$DB_NAME" \
        -c 'select 1' </dev/null >/dev/null 2>&1
}

BINDIR="$(find_bindir)"

# ---- 0. fast path: already up ------------------------------------------------
PSQL_BIN=""
if [[ -n "$BINDIR" && -x "$BINDIR/psql" ]]; then PSQL_BIN="$BINDIR/psql"
elif command -v psql >/dev/null 2>&1; then PSQL_BIN="$(command -v psql)"; fi
if db_answers "$PSQL_BIN"; then
    log "server already answers on $HOST:$PGPORT with database $DB_NAME"
    emit_url
fi

# Serialise concurrent invocations (two CI jobs, a developer + CI, ...).
LOCK_FILE="${PGDATA_DIR%/}.lock"
mkdir -p "$(dirname "$LOCK_FILE")"
exec 9>"$LOCK_FILE"
if command -v flock >/dev/null 2>&1; then
    flock -w 300 9 || die "could not take lock $LOCK_FILE"
fi

# ---- 1. install ----------------------------------------------------------------
if [[ -z "$BINDIR" ]]; then
    [[ $EUID -eq 0 ]] || die "PostgreSQL is not installed and we are not root (cannot apt-get install)"
    log "installing Debian package 'postgresql' ..."
    t=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        postgresql </dev/null >&2
    log "install took $((SECONDS - t))s"
    BINDIR="$(find_bindir)"
    [[ -n "$BINDIR" ]] || die "installed 'postgresql' but found no /usr/lib/postgresql/<version>/bin/initdb"
else
    log "PostgreSQL already installed"
fi
PG_VERSION_BIN="$(basename "$(dirname "$BINDIR")")"
PSQL_BIN="$BINDIR/psql"
log "using $BINDIR (major version $PG_VERSION_BIN)"

# ---- 2. who runs the server -------------------------------------------------------
if [[ $EUID -eq 0 ]]; then
    PG_OS_USER=postgres
    getent passwd "$PG_OS_USER" >/dev/null || die "OS user '$PG_OS_USER' missing (the postgresql package creates it)"
    # cd / so the postgres user isn't left in a directory it cannot read (e.g. /root).
    as_pg() { (cd / && runuser -u "$PG_OS_USER" -- "$@"); }
else
    PG_OS_USER="$(id -un)"
    as_pg() { (cd / && "$@"); }
fi

# Socket paths are limited to ~107 bytes.
(( ${#PGDATA_DIR} + 20 < 107 )) || die "PGDATA_DIR too long for a unix socket path: $PGDATA_DIR"

# Run a command with every fd above 2 closed.  pg_ctl start forks the postmaster, which
# would otherwise inherit them: fd 3 (our stdout, i.e. the caller's `$(...)` pipe -- the
# caller would then wait for EOF forever), fd 9 (the flock), and whatever the caller leaked.
run_closing_fds() {
    (
        for f in /proc/self/fd/*; do
            f="${f##*/}"
            if [[ "$f" =~ ^[0-9]+$ ]] && (( f > 2 )); then eval "exec $f>&-" 2>/dev/null || true; fi
        done
        "$@"
    )
}

# Is the postmaster recorded in $PGDATA_DIR/postmaster.pid alive?  Checked via /proc rather
# than `pg_ctl status`, because a killed server's processes can linger as zombies here (PID 1
# does not always reap at once), and kill -0 -- which pg_ctl and the postmaster's own lock-file
# check use -- succeeds on a zombie.  A reused PID that is not a postgres process counts as dead.
server_running() {
    local pidfile="$PGDATA_DIR/postmaster.pid" pid state comm
    [[ -f "$pidfile" ]] || return 1
    pid="$(head -n 1 "$pidfile" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ -r "/proc/$pid/stat" ]] || return 1
    state="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null || true)"
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    [[ "$state" != Z && "$state" != X && "$comm" == postgres* ]]
}

# Remove lock files left by a server that died without cleaning up.
clear_stale_locks() {
    if [[ -f "$PGDATA_DIR/postmaster.pid" ]] && ! server_running; then
        log "removing stale postmaster.pid / socket lock left by a dead server"
        rm -f "$PGDATA_DIR/postmaster.pid" "$PGDATA_DIR"/.s.PGSQL.*
    fi
}

# ---- 3. data directory ----------------------------------------------------------
need_initdb=1
if [[ -f "$PGDATA_DIR/PG_VERSION" && -f "$PGDATA_DIR/global/pg_control" ]]; then
    have="$(cat "$PGDATA_DIR/PG_VERSION")"
    if [[ "$have" == "$PG_VERSION_BIN" ]]; then
        need_initdb=0
        log "reusing data directory $PGDATA_DIR"
    else
        log "data directory is for PostgreSQL $have, binaries are $PG_VERSION_BIN: recreating"
    fi
fi

if (( need_initdb )); then
    if [[ -e "$PGDATA_DIR" ]]; then
        # Throwaway dir: stop anything still using it, then wipe.
        if server_running; then as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >&2 || true; fi
        log "removing incomplete/stale $PGDATA_DIR"
        rm -rf "$PGDATA_DIR"
    fi
    mkdir -p "$PGDATA_DIR"
    chown "$PG_OS_USER": "$PGDATA_DIR"
    chmod 700 "$PGDATA_DIR"
    as_pg test -w "$PGDATA_DIR" || die "user $PG_OS_USER cannot write $PGDATA_DIR (a parent directory is not traversable?)"

    # UTF8 regardless of the OS locale; C.UTF-8 if libc has it, else plain C.
    locale_opt=(--locale=C)
    locales="$(locale -a 2>/dev/null || true)"
    if grep -qix 'c\.utf-\?8' <<<"$locales"; then locale_opt=(--locale=C.UTF-8); fi
    log "initdb ${locale_opt[*]} -E UTF8 in $PGDATA_DIR ..."
    t=$SECONDS
    initdb_log="$(mktemp)"
    if ! as_pg "$BINDIR/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 "${locale_opt[@]}" \
            --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$initdb_log" 2>&1; then
        cat "$initdb_log" >&2; rm -f "$initdb_log"
        die "initdb failed"
    fi
    rm -f "$initdb_log"
    log "initdb took $((SECONDS - t))s"
    echo "include_if_exists = 'ci.conf'" | as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null
fi

# Settings are (re)written on every start so a changed PGPORT / PGDATA_DIR takes effect.
as_pg tee "$PGDATA_DIR/ci.conf" >/dev/null <<CONF
# written by .ci/postgres.sh -- throwaway test server, durability off
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGDATA_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
logging_collector = off
CONF

# ---- 4. start ------------------------------------------------------------------
pg_ready() { "$BINDIR/pg_isready" -q -h "$HOST" -p "$PGPORT" -t 2 >/dev/null 2>&1; }

clear_stale_locks
if server_running; then
    if pg_ready; then
        log "server for $PGDATA_DIR is already running; reloading settings"
        as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" reload >&2 || true
    else
        # Running but not on $HOST:$PGPORT (e.g. PGPORT changed): port needs a restart.
        log "server for $PGDATA_DIR runs but does not answer on $HOST:$PGPORT; restarting"
        run_closing_fds as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -m fast -w -t 600 restart >&2 \
            || { tail -n 40 "$PGDATA_DIR/server.log" >&2 || true; die "pg_ctl restart failed"; }
    fi
else
    if pg_ready; then
        die "another PostgreSQL server (not $PGDATA_DIR) already listens on $HOST:$PGPORT without database $DB_NAME for user $DB_USER; set PGPORT to a free port"
    fi
    log "starting server on $HOST:$PGPORT ..."
    t=$SECONDS
    if ! run_closing_fds as_pg "$BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 600 start >&2; then
        log "pg_ctl start failed; tail of $PGDATA_DIR/server.log:"
        tail -n 40 "$PGDATA_DIR/server.log" >&2 || true
        exit 1
    fi
    log "pg_ctl start took $((SECONDS - t))s"
fi

for _ in $(seq 1 60); do
    pg_ready && break
    sleep 1
done
pg_ready || { tail -n 40 "$PGDATA_DIR/server.log" >&2 || true; die "server not ready on $HOST:$PGPORT after 60s"; }
log "pg_isready: $HOST:$PGPORT accepting connections"

# ---- 5. role + database (idempotent) --------------------------------------------
as_pg "$PSQL_BIN" -X -q -v ON_ERROR_STOP=1 -h "$PGDATA_DIR" -p "$PGPORT" -U postgres -d postgres >&2 <<SQL
SELECT format('CREATE ROLE %I', '$DB_USER')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') \gexec
ALTER ROLE "$DB_USER" WITH LOGIN CREATEDB PASSWORD '$DB_PASS';
SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING %L', '$DB_NAME', '$DB_USER', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME') \gexec
ALTER DATABASE "$DB_NAME" OWNER TO "$DB_USER";
SQL

# The public schema is owned by pg_database_owner from PG 15 on, so the owner can create
# tables; on older servers make sure the role may too.
as_pg "$PSQL_BIN" -X -q -v ON_ERROR_STOP=1 -h "$PGDATA_DIR" -p "$PGPORT" -U postgres -d "$DB_NAME" \
    -c "GRANT ALL ON SCHEMA public TO \"$DB_USER\"" >&2

db_answers "$PSQL_BIN" || die "server is up but $DB_USER cannot connect to $DB_NAME over TCP"
emit_url
