#!/usr/bin/env bash
# A PostgreSQL 15 primary and a synchronous hot standby on 127.0.0.1, made with Debian's cluster tools
# (pg_createcluster, pg_basebackup). Used by the fail-over test (tests/CchcSurvey.Fault.Tests/FailoverTests.cs) and
# as a worked example in docs/deployment.md. Run as root (the clusters run as the postgres user).
#
#   deploy/pg-standby-pair.sh create NAME PRIMARY_PORT STANDBY_PORT   # clusters NAME_a (primary) and NAME_b (standby)
#   deploy/pg-standby-pair.sh failover NAME                           # stop NAME_a with -m immediate, promote NAME_b
#   deploy/pg-standby-pair.sh drop NAME                               # stop and delete both clusters
#
# Test clusters only: local connections are trusted (initdb -A trust), they listen on localhost (the default), and
# initdb and pg_basebackup skip their final fsync (--no-sync: quicker; the running servers fsync as usual).
set -euo pipefail
version=15
action="${1:?create|failover|drop}"
name="${2:?cluster name prefix}"
primary="${name}_a"
standby="${name}_b"
as_postgres() { runuser -u postgres -- "$@"; }

case "$action" in
create)
  primary_port="${3:?primary port}"
  standby_port="${4:?standby port}"
  # The primary: WAL for streaming replication; synchronous_standby_names is set once the standby streams,
  # or every commit would wait for a standby that does not exist yet.
  pg_createcluster "$version" "$primary" -p "$primary_port" \
    -o wal_level=replica -o max_wal_senders=5 -o hot_standby=on \
    -o fsync=on -o synchronous_commit=on -- -A trust --no-sync >/dev/null
  pg_ctlcluster "$version" "$primary" start
  # The standby: an empty cluster whose data directory is replaced by a base backup of the primary
  # (-R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile).
  pg_createcluster "$version" "$standby" -p "$standby_port" -o hot_standby=on -- -A trust --no-sync >/dev/null
  data="/var/lib/postgresql/$version/$standby"
  rm -rf "${data:?}"/*
  as_postgres pg_basebackup -h 127.0.0.1 -p "$primary_port" -U postgres -D "$data" -R -X stream -c fast --no-sync
  as_postgres sh -c "echo \"primary_conninfo = 'host=127.0.0.1 port=$primary_port user=postgres application_name=$standby'\" >> '$data/postgresql.auto.conf'"
  pg_ctlcluster "$version" "$standby" start
  # Synchronous: a commit returns only when the standby has flushed its WAL, so an acknowledged answer survives
  # the loss of the primary.
  as_postgres psql -q -h 127.0.0.1 -p "$primary_port" -c "ALTER SYSTEM SET synchronous_standby_names = '\"$standby\"'" -c "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 1 50); do
    state="$(as_postgres psql -Atq -h 127.0.0.1 -p "$primary_port" -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$standby'")"
    [ "$state" = "sync" ] && { echo "primary $primary on $primary_port, synchronous standby $standby on $standby_port"; exit 0; }
    sleep 0.2
  done
  echo "the standby did not become synchronous (state: '${state:-none}')" >&2
  exit 1
  ;;
failover)
  pg_ctlcluster "$version" "$primary" stop -m immediate
  pg_ctlcluster "$version" "$standby" promote
  ;;
drop)
  for cluster in "$primary" "$standby"; do
    if [ -d "/etc/postgresql/$version/$cluster" ]; then pg_dropcluster "$version" "$cluster" --stop; fi
  done
  ;;
*)
  echo "unknown action: $action" >&2
  exit 2
  ;;
esac
