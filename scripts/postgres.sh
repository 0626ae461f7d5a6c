#!/usr/bin/env bash
# The Postgres part of scripts/services.sh (runnable alone): a cluster, the control
# plane's roles and its database. Idempotent. Run as root, with Postgres 15 installed.
#
# Roles (no superuser among them):
#   sacp_owner       LOGIN. Owns the database, its tables, triggers and functions; the
#                    migrations run as it (DATABASE_MIGRATION_URL). No CREATEDB, no
#                    CREATEROLE (on Postgres 15 CREATEROLE could grant itself
#                    pg_execute_server_program, i.e. shell access as postgres).
#   sacp_service     NOLOGIN group: every migration grants the services' privileges to it.
#   sacp_app         LOGIN, member of sacp_service, nothing else: the services connect as
#                    it (DATABASE_URL).
#   sacp_test_admin  only with SACP_PG_TEST_ADMIN=1 (scripts/test.sh): LOGIN CREATEDB,
#                    member of sacp_owner, pg_signal_backend and pg_read_all_stats, so the
#                    tests can create, own, watch and drop a database per test file.
# Passwords are generated once (random, URL-safe) and kept with the URLs in
# $SACP_STATE_DIR/postgres/ (directory 700, files 600, for root only):
#   app.env          DATABASE_URL=postgres://sacp_app:...@127.0.0.1:PORT/DB
#   owner.env        DATABASE_MIGRATION_URL=postgres://sacp_owner:...@127.0.0.1:PORT/DB
#   test-admin.env   SACP_TEST_PG_URL=postgres://sacp_test_admin:...@127.0.0.1:PORT/postgres
#
# Environment: SACP_STATE_DIR (/var/lib/sacp), SACP_PG_CLUSTER (main), SACP_PG_PORT (5432,
# used when the cluster is created; an existing cluster keeps its port), SACP_PG_DB (sacp),
# SACP_PG_TEST_ADMIN (0).
#
# A database made before these roles existed (owned by another role, e.g. the old
# `sacp` superuser) is handed to sacp_owner with everything in its public schema; the
# old role itself is left as it is.
set -euo pipefail

STATE_DIR=${SACP_STATE_DIR:-/var/lib/sacp}
CLUSTER=${SACP_PG_CLUSTER:-main}
PG_PORT=${SACP_PG_PORT:-5432}
PG_DB=${SACP_PG_DB:-sacp}
TEST_ADMIN=${SACP_PG_TEST_ADMIN:-0}
CRED_DIR=$STATE_DIR/postgres

log() { printf '{"level":"info","component":"postgres","msg":"%s"}\n' "$*"; }
fail() { printf '{"level":"error","component":"postgres","msg":"%s"}\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root: it creates a Postgres cluster and writes $CRED_DIR"
[[ $PG_DB =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || fail "SACP_PG_DB=$PG_DB: expected lower-case letters, digits and _"
command -v pg_ctlcluster >/dev/null && [ -d /usr/lib/postgresql/15 ] || fail "Postgres 15 is not installed (scripts/services.sh installs it)"

if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "15 $CLUSTER"; then
  log "creating Postgres cluster 15/$CLUSTER on port $PG_PORT"
  pg_createcluster 15 "$CLUSTER" -p "$PG_PORT" >/dev/null
fi
PG_PORT=$(pg_lsclusters -h | awk -v c="$CLUSTER" '$1==15 && $2==c {print $3}')
if ! pg_lsclusters -h | awk -v c="$CLUSTER" '$1==15 && $2==c {print $4}' | grep -qx online; then
  log "starting Postgres 15/$CLUSTER"
  pg_ctlcluster 15 "$CLUSTER" start
fi
# as the postgres OS user over the unix socket (peer authentication): the one superuser
psql_admin() { PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"; }
for _ in $(seq 1 60); do psql_admin -Atc 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
psql_admin -Atc 'select 1' >/dev/null || fail "Postgres 15/$CLUSTER does not answer on port $PG_PORT"
# loopback only: an address an agent container can reach (a bridge gateway, the host's own
# address, "*") would put the event store one password away from every agent
IFS=', ' read -r -a listen_addrs <<<"$(psql_admin -Atc 'show listen_addresses')"
for addr in "${listen_addrs[@]}"; do
  case "$addr" in
    localhost | 127.0.0.1 | ::1) ;;
    *) fail "Postgres 15/$CLUSTER listens on \"$addr\" (listen_addresses): agent containers could reach it; set it to localhost (pg_conftool 15 $CLUSTER set listen_addresses localhost) and restart the cluster" ;;
  esac
done

# passwords: made once, kept for root only
mkdir -p "$CRED_DIR"
chmod 700 "$CRED_DIR"
password_of() {
  local f=$CRED_DIR/$1.password
  if [ ! -s "$f" ]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$f.tmp" && mv "$f.tmp" "$f")
  fi
  chmod 600 "$f"
  cat "$f"
}
OWNER_PW=$(password_of sacp_owner)
APP_PW=$(password_of sacp_app)
TEST_ADMIN_PW=
[ "$TEST_ADMIN" = 1 ] && TEST_ADMIN_PW=$(password_of sacp_test_admin)

# Roles: created when missing, their attributes and passwords (re)set every time, so a
# role changed by hand comes back to what is written here. Passwords reach psql through
# its environment (\getenv), never its command line.
OWNER_PW=$OWNER_PW APP_PW=$APP_PW TEST_ADMIN_PW=$TEST_ADMIN_PW psql_admin -d postgres -v test_admin="$TEST_ADMIN" <<'SQL'
\getenv owner_pw OWNER_PW
\getenv app_pw APP_PW
\getenv test_admin_pw TEST_ADMIN_PW
select format('create role %I', r) from unnest(array['sacp_owner', 'sacp_service', 'sacp_app']) as r
 where not exists (select 1 from pg_roles where rolname = r) \gexec
alter role sacp_owner login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit password :'owner_pw';
alter role sacp_service nologin nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
alter role sacp_app login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit password :'app_pw';
grant sacp_service to sacp_app;
\if :test_admin
select 'create role sacp_test_admin' where not exists (select 1 from pg_roles where rolname = 'sacp_test_admin') \gexec
alter role sacp_test_admin login createdb nosuperuser nocreaterole noreplication nobypassrls inherit password :'test_admin_pw';
grant sacp_owner, pg_signal_backend, pg_read_all_stats to sacp_test_admin;
\endif
SQL

# The database, owned by sacp_owner; one made earlier by another role is handed over.
psql_admin -d postgres -v db="$PG_DB" <<'SQL'
select format('create database %I owner sacp_owner', :'db') where not exists (select 1 from pg_database where datname = :'db') \gexec
select format('alter database %I owner to sacp_owner', :'db') from pg_database d
 where datname = :'db' and pg_get_userbyid(d.datdba) <> 'sacp_owner' \gexec
SQL
psql_admin -d "$PG_DB" <<'SQL'
do $$
declare r record;
begin
  for r in select c.oid::regclass as obj from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p') and pg_get_userbyid(c.relowner) <> 'sacp_owner' loop
    execute format('alter table %s owner to sacp_owner', r.obj);
  end loop;
  for r in select c.oid::regclass as obj from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind = 'S' and pg_get_userbyid(c.relowner) <> 'sacp_owner'
              and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')) loop
    execute format('alter sequence %s owner to sacp_owner', r.obj);
  end loop;
  for r in select p.oid::regprocedure as obj from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> 'sacp_owner' loop
    execute format('alter function %s owner to sacp_owner', r.obj);
  end loop;
end $$;
SQL

# the URLs each process gets (scripts/up.sh, docker-compose.yml, the tests)
write_env() {
  (umask 077 && printf '%s\n' "$2" >"$CRED_DIR/$1.tmp" && mv "$CRED_DIR/$1.tmp" "$CRED_DIR/$1")
  chmod 600 "$CRED_DIR/$1"
}
write_env app.env "DATABASE_URL=postgres://sacp_app:$APP_PW@127.0.0.1:$PG_PORT/$PG_DB"
write_env owner.env "DATABASE_MIGRATION_URL=postgres://sacp_owner:$OWNER_PW@127.0.0.1:$PG_PORT/$PG_DB"
[ "$TEST_ADMIN" = 1 ] && write_env test-admin.env "SACP_TEST_PG_URL=postgres://sacp_test_admin:$TEST_ADMIN_PW@127.0.0.1:$PG_PORT/postgres"
log "postgres ready (15/$CLUSTER, port $PG_PORT, database $PG_DB; URLs in $CRED_DIR)"
