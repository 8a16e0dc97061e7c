#!/usr/bin/env bash
# ci/local-kafka.sh - a throwaway Apache Kafka 3.9.2 (KRaft) on loopback for tests.
#
# Kafka comes from Maven Central jars (ci/kafka/pom.xml); the resolved classpath
# is cached under the build folder, so only the first start calls Maven.
#
# Usage:
#   ci/local-kafka.sh start     [--brokers 1|3]  start (idempotent); the last stdout
#                                                 line is the bootstrap address
#   ci/local-kafka.sh stop      [--brokers 1|3 | --all]
#                                                 SIGTERM, wait, SIGKILL; wipe data
#                                                 (logs stay until the next start)
#   ci/local-kafka.sh status    [--brokers 1|3]  exit 0 if every node runs, else 3
#   ci/local-kafka.sh bootstrap [--brokers 1|3]  print the bootstrap address only
#                                                 (exit 3 if no node runs)
#   ci/local-kafka.sh sasl-bootstrap              print the address of the SASL
#                                                 listener of the 1-broker cluster
#                                                 (exit 3 if it does not run)
#   ci/local-kafka.sh cp                          print the Kafka classpath (resolving
#                                                 it if needed), for running Kafka's own
#                                                 tools, e.g.
#       java -cp "$(ci/local-kafka.sh cp)" org.apache.kafka.tools.TopicCommand ...
#       java -cp "$(ci/local-kafka.sh cp)" kafka.admin.ConfigCommand ...
#
# --brokers 1 (default): one combined broker+controller, node.id=1. Besides
#   the PLAINTEXT listener (the bootstrap address) it has a SASL_PLAINTEXT
#   listener, mechanism PLAIN, a user "reconcile" (password: see
#   RECONCILE_KAFKA_SASL_PASSWORD; a super user) and a user "noacl" (password
#   noacl-secret) that the StandardAuthorizer denies everything, and service
#   users svc-orders, svc-billing, svc-audit and svc-stranger (password: the
#   name followed by "-secret") with no ACLs until a test grants them, e.g.
#       kcat -b "$(ci/local-kafka.sh sasl-bootstrap)" -X security.protocol=SASL_PLAINTEXT \
#         -X sasl.mechanisms=PLAIN -X sasl.username=reconcile \
#         -X sasl.password=reconcile-secret -L
# --brokers 3: three combined nodes (ids 1..3, all voters), separate state dir,
#   so both clusters can run at the same time.
#
# Only `start` (last line) and `bootstrap`/`sasl-bootstrap`/`status`/`cp` write
# to stdout; progress and errors go to stderr.
#
# Environment:
#   RECONCILE_BUILD_DIR            build folder (default <repo>/build); the classpath
#                                  is cached in <build>/kafka/classpath.txt
#   RECONCILE_KAFKA_DIR            state dir of the 1-broker cluster (default
#                                  <build>/kafka/run); the 3-broker one uses the same
#                                  path with "3" appended (…/run3)
#   RECONCILE_KAFKA_BROKERS        default for --brokers (1)
#   RECONCILE_KAFKA_START_TIMEOUT  seconds to wait for readiness (default 120)
#   RECONCILE_KAFKA_STOP_TIMEOUT   seconds between SIGTERM and SIGKILL (default 30)
#   RECONCILE_KAFKA_PORT_BASE      first port tried (default 19092; 29092 for 3 brokers)
#   RECONCILE_KAFKA_HEAP_OPTS      broker heap (default "-Xms256m -Xmx512m")
#   RECONCILE_KAFKA_PROBE          readiness probe: auto (default), kcat or java
#   RECONCILE_KAFKA_SASL_PASSWORD  password of the SASL user "reconcile" (default
#                                  reconcile-secret; read by a fresh 1-broker start)
#
# State dir layout: cluster.id, ports ("node broker_port controller_port"),
# bootstrap, sasl_bootstrap (1 broker only), log4j.properties,
# node<N>/{server.properties,pid,server.log,stdout.log,format.log,data/}.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

abspath() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
  esac
}

BUILD_DIR=$(abspath "${RECONCILE_BUILD_DIR:-$REPO_ROOT/build}")
CACHE_DIR=$BUILD_DIR/kafka
CP_FILE=$CACHE_DIR/classpath.txt
POM=$SCRIPT_DIR/kafka/pom.xml
TOOLS_CONF_DIR=$CACHE_DIR/conf
RUN_BASE=$(abspath "${RECONCILE_KAFKA_DIR:-$CACHE_DIR/run}")
START_TIMEOUT=${RECONCILE_KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=${RECONCILE_KAFKA_STOP_TIMEOUT:-30}
HEAP_OPTS=${RECONCILE_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
PROBE=${RECONCILE_KAFKA_PROBE:-auto}
SASL_USER=reconcile
SASL_NOACL_USER=noacl
SASL_NOACL_PASSWORD=noacl-secret
# Service users for the access tests: no ACLs of their own, so each can do
# exactly what a test grants it. Password: the name with "-secret" appended.
SASL_SERVICE_USERS="svc-orders svc-billing svc-audit svc-stranger"
SASL_PASSWORD=${RECONCILE_KAFKA_SASL_PASSWORD:-reconcile-secret}
PORTS_LOCK=${TMPDIR:-/tmp}/reconcile-local-kafka-ports.lock
POLL_INTERVAL=0.3

# JVM options for short-lived tools (format, readiness fallback): start fast.
TOOL_JVM_OPTS=(-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
  "-Dlog4j.configuration=file:$TOOLS_CONF_DIR/log4j.properties")

# Set by select_cluster.
STATE=
NODES=
PORT_BASE=

# Set during start, used by the EXIT trap.
LAUNCHED=0
START_OK=0
PORTS_LOCKED=0

log() { printf 'local-kafka: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" >&2
}

need() {
  command -v "$1" >/dev/null 2>&1 ||
    die "'$1' not found on PATH; run ci/install-deps.sh first (it installs the JDK and Maven)"
}

now() { printf '%s\n' "${EPOCHREALTIME/[.,]/}"; } # microseconds

elapsed_since() { # $1 = start from now(); prints seconds with one decimal
  local us=$(($(now) - $1))
  printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

# ---------------------------------------------------------------- classpath

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

classpath_ok() {
  [[ -s $CP_FILE ]] || return 1
  # Re-resolve when the pom changed since the cached resolve.
  if [[ -f $CP_FILE.pom.sha256 ]]; then
    [[ $(<"$CP_FILE.pom.sha256") == "$(pom_hash)" ]] || return 1
  fi
  local jars=() jar
  IFS=: read -r -a jars <"$CP_FILE" || true
  ((${#jars[@]} > 0)) || return 1
  for jar in "${jars[@]}"; do
    [[ -f $jar ]] || return 1
  done
}

resolve_classpath() {
  need mvn
  local tmp=$CP_FILE.tmp.$$ t0
  t0=$(now)
  log "resolving the Kafka classpath with Maven ($POM)..."
  # (Debian's Maven 3.8 prints bare colour resets even with -B; drop them.)
  if ! mvn -q -B -f "$POM" dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$tmp" 2>&1 |
    sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2; then
    rm -f "$tmp"
    die "Maven could not resolve $POM (network to Maven Central? see the output above)"
  fi
  [[ -s $tmp ]] || die "Maven produced an empty classpath"
  mv -f "$tmp" "$CP_FILE"
  pom_hash >"$CP_FILE.pom.sha256"
  log "classpath cached in $CP_FILE ($(elapsed_since "$t0")s)"
}

write_tools_log4j() {
  mkdir -p "$TOOLS_CONF_DIR"
  local f=$TOOLS_CONF_DIR/log4j.properties
  [[ -f $f ]] && return 0
  cat >"$f.tmp.$$" <<'EOF'
# Kafka command-line tools: warnings and errors to stderr only.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  mv -f "$f.tmp.$$" "$f"
}

ensure_classpath() {
  mkdir -p "$CACHE_DIR"
  write_tools_log4j
  classpath_ok && return 0
  local fd
  exec {fd}>"$CACHE_DIR/classpath.lock"
  flock -w 900 "$fd" || die "timed out waiting for another classpath resolve"
  classpath_ok || resolve_classpath
  exec {fd}>&-
}

# Jars only (what Maven resolved).
kafka_cp() { cat "$CP_FILE"; }

# What `cp` prints: a conf dir holding a quiet log4j.properties, then the jars.
tools_cp() { printf '%s:%s\n' "$TOOLS_CONF_DIR" "$(kafka_cp)"; }

# ---------------------------------------------------------------- cluster state

select_cluster() {
  # The state dir is wiped on every fresh start: refuse obviously wrong ones.
  case ${RUN_BASE%/} in
    "" | "$HOME" | "$REPO_ROOT" | "$BUILD_DIR" | /*/.. | /tmp)
      die "refusing to use '$RUN_BASE' as the Kafka state dir (it is wiped on start)"
      ;;
  esac
  case $1 in
    1)
      STATE=$RUN_BASE
      NODES=1
      PORT_BASE=${RECONCILE_KAFKA_PORT_BASE:-19092}
      ;;
    3)
      STATE=${RUN_BASE}3
      NODES=3
      PORT_BASE=${RECONCILE_KAFKA_PORT_BASE:-29092}
      ;;
    *) die "--brokers must be 1 or 3 (got '$1')" ;;
  esac
}

lock_state() {
  mkdir -p "$(dirname "$STATE")"
  exec 9>"$STATE.lock"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT + 120)) 9 ||
    die "timed out waiting for another start/stop of $STATE"
}

node_dir() { printf '%s/node%s\n' "$STATE" "$1"; }

node_pid() {
  local f
  f=$(node_dir "$1")/pid
  [[ -s $f ]] || return 1
  local pid
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "$pid"
}

# Alive = the recorded pid is a live process started for this node's config
# (guards against pid reuse; a zombie has an empty cmdline).
node_alive() {
  local pid props
  pid=$(node_pid "$1") || return 1
  props=$(node_dir "$1")/server.properties
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$props"
}

alive_count() {
  local i n=0
  for ((i = 1; i <= NODES; i++)); do
    if node_alive "$i"; then n=$((n + 1)); fi
  done
  printf '%d\n' "$n"
}

state_active() { [[ -s $STATE/ports && -s $STATE/bootstrap ]]; }

bootstrap_addr() { cat "$STATE/bootstrap"; }

# The SASL_PLAINTEXT listener (1-broker cluster only): "127.0.0.1:port".
sasl_active() { [[ -s $STATE/sasl_bootstrap ]]; }
sasl_bootstrap_addr() { cat "$STATE/sasl_bootstrap"; }

# Port numbers of column $1 (2 = broker, 3 = controller) from the ports file.
ports_column() { awk -v c="$1" '{ print $c }' "$STATE/ports"; }

# ---------------------------------------------------------------- ports

port_listening() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Serialise port choice across clusters/worktrees on this machine until the
# chosen ports are actually bound (released in wait_ready).
lock_ports() {
  exec 7>"$PORTS_LOCK"
  flock -w 300 7 || die "timed out waiting for $PORTS_LOCK"
  PORTS_LOCKED=1
}

unlock_ports() {
  if ((PORTS_LOCKED)); then
    flock -u 7 || true
    exec 7>&-
    PORTS_LOCKED=0
  fi
}

PORT_CURSOR=0
next_free_port() {
  local tries=0
  while port_listening "$PORT_CURSOR"; do
    PORT_CURSOR=$((PORT_CURSOR + 1))
    tries=$((tries + 1))
    ((tries < 500 && PORT_CURSOR < 65536)) || die "no free loopback port from $PORT_BASE"
  done
  printf '%d\n' "$PORT_CURSOR"
  PORT_CURSOR=$((PORT_CURSOR + 1))
}

# ---------------------------------------------------------------- config

gen_cluster_id() { # base64url of 16 random bytes, as Kafka's Uuid.toString
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ $id == -* ]] || break
  done
  printf '%s\n' "$id"
}

write_broker_log4j() {
  cat >"$STATE/log4j.properties" <<'EOF'
# Broker log: everything into ${kafka.logs.dir}/server.log (one per node).
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients.NetworkClient=WARN
EOF
}

# A value for a JAAS option inside "...", escaped for JAAS (\ and ") and then
# for a .properties file (\). Kafka reads server.properties as ISO-8859-1, so
# only printable ASCII is accepted.
jaas_properties_quote() {
  local v=$1 rest
  rest=$(
    printf '%s' "$v" | LC_ALL=C tr -d ' -~'
    printf x
  )
  [[ $rest == x ]] ||
    die "RECONCILE_KAFKA_SASL_PASSWORD: only printable ASCII characters are supported"
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  v=${v//\\/\\\\}
  printf '%s\n' "$v"
}

# write_server_properties NODE_ID BROKER_PORT CONTROLLER_PORT VOTERS [SASL_PORT]
write_server_properties() {
  local id=$1 bport=$2 cport=$3 voters=$4 sport=${5:-} nd rf
  local listeners="PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport"
  local advertised="PLAINTEXT://127.0.0.1:$bport"
  local protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  local sasl_conf="" pw
  nd=$(node_dir "$id")
  rf=$NODES
  if [[ -n $sport ]]; then
    listeners+=",SASL_PLAINTEXT://127.0.0.1:$sport"
    advertised+=",SASL_PLAINTEXT://127.0.0.1:$sport"
    protocols+=",SASL_PLAINTEXT:SASL_PLAINTEXT"
    pw=$(jaas_properties_quote "$SASL_PASSWORD")
    local svc svc_users=""
    for svc in $SASL_SERVICE_USERS; do svc_users+=" user_$svc=\"$svc-secret\""; done
    sasl_conf="
# SASL_PLAINTEXT listener for clients: PLAIN. "$SASL_USER" is a super user
# (like the PLAINTEXT listener's ANONYMOUS); "$SASL_NOACL_USER" has no ACLs, so
# every request it makes is denied: tests of authorisation errors use it.
# The svc-* users stand for services: access tests grant them what they need.
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER=\"$pw\" user_$SASL_NOACL_USER=\"$SASL_NOACL_PASSWORD\"$svc_users;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:$SASL_USER
allow.everyone.if.no.acl.found=false"
  fi
  mkdir -p "$nd/data"
  cat >"$nd/server.properties" <<EOF
# Generated by ci/local-kafka.sh - node $id of $NODES (KRaft, combined mode)
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=$listeners
advertised.listeners=$advertised
listener.security.protocol.map=$protocols
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$nd/data

num.partitions=1
default.replication.factor=1
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=1

# Small footprint: 2-core CI machine that also runs the tests.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
$sasl_conf
EOF
  # It may hold the SASL password.
  chmod 600 "$nd/server.properties"
}

# ---------------------------------------------------------------- processes

format_nodes() {
  local id i nd cp pids=() failed=0
  id=$(<"$STATE/cluster.id")
  cp=$(kafka_cp)
  for ((i = 1; i <= NODES; i++)); do
    nd=$(node_dir "$i")
    java "${TOOL_JVM_OPTS[@]}" -cp "$cp" kafka.tools.StorageTool \
      format -t "$id" -c "$nd/server.properties" \
      </dev/null >"$nd/format.log" 2>&1 7>&- 9>&- &
    pids+=("$!")
  done
  for ((i = 1; i <= NODES; i++)); do
    if ! wait "${pids[i - 1]}"; then
      failed=1
      log "kafka.tools.StorageTool format failed for node $i:"
      tail -n 30 "$(node_dir "$i")/format.log" >&2 || true
    fi
  done
  ((failed == 0)) || die "could not format the storage of $STATE"
}

launch_node() {
  local i=$1 nd cp t
  nd=$(node_dir "$i")
  cp=$(kafka_cp)
  rm -f "$nd/pid"
  local -a launcher=() heap=()
  read -r -a heap <<<"$HEAP_OPTS"
  if command -v setsid >/dev/null 2>&1; then launcher=(setsid); fi
  # The inner shell records its own pid, then becomes the JVM (exec), so the
  # pid file is right even if setsid forks. Before the exec it closes every
  # descriptor above 2: the broker outlives this script, and whatever the
  # caller had open (a flock'd lock file, a pipe a CI step waits on) would
  # stay held for as long as the broker runs. (7>&- 9>&- below only cover this
  # script's own locks; the glob lists the inner shell's descriptors. No
  # redirection on the loop: bash would park a copy of stderr above 2 for its
  # duration, and the loop would close that copy.)
  # shellcheck disable=SC2016 # $$, $@ and $fd expand in the inner shell
  "${launcher[@]}" bash -c 'echo "$$" >"$0.tmp" && mv -f "$0.tmp" "$0" || exit 1
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then exec {fd}>&-; fi
    done
    exec "$@"' \
    "$nd/pid" \
    java "${heap[@]}" -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:$STATE/log4j.properties" \
    "-Dkafka.logs.dir=$nd" \
    -cp "$cp" kafka.Kafka "$nd/server.properties" \
    </dev/null >"$nd/stdout.log" 2>&1 7>&- 9>&- &
  LAUNCHED=1
  t=$(now)
  until [[ -s $nd/pid ]]; do
    (($(now) - t < 10000000)) || die "node $i did not record its pid"
    sleep 0.05
  done
  log "node $i started (pid $(<"$nd/pid"), log $nd/server.log)"
}

show_node_logs() { # $1 = node id
  local nd
  nd=$(node_dir "$1")
  if [[ -s $nd/server.log ]]; then
    log "last 30 lines of $nd/server.log:"
    tail -n 30 "$nd/server.log" >&2 || true
  fi
  if [[ -s $nd/stdout.log ]]; then
    log "last 30 lines of $nd/stdout.log:"
    tail -n 30 "$nd/stdout.log" >&2 || true
  fi
}

# Stop every live node: SIGTERM, wait until gone (deadline), then SIGKILL.
kill_nodes() {
  local i pid t left
  local -a pids=()
  for ((i = 1; i <= NODES; i++)); do
    if node_alive "$i"; then
      pid=$(node_pid "$i")
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$i")
    fi
  done
  ((${#pids[@]} > 0)) || return 0
  log "stopping node(s) ${pids[*]} of $STATE (SIGTERM)"
  t=$(now)
  while :; do
    left=()
    for i in "${pids[@]}"; do
      if node_alive "$i"; then left+=("$i"); fi
    done
    ((${#left[@]} > 0)) || break
    if (($(now) - t >= STOP_TIMEOUT * 1000000)); then
      log "node(s) ${left[*]} still running after ${STOP_TIMEOUT}s; SIGKILL"
      for i in "${left[@]}"; do
        if pid=$(node_pid "$i"); then kill -KILL "$pid" 2>/dev/null || true; fi
      done
      local t2
      t2=$(now)
      while :; do
        left=()
        for i in "${pids[@]}"; do
          if node_alive "$i"; then left+=("$i"); fi
        done
        ((${#left[@]} > 0)) || break
        (($(now) - t2 < 10000000)) || die "node(s) ${left[*]} survived SIGKILL"
        sleep 0.1
      done
      break
    fi
    sleep 0.2
  done
  log "stopped in $(elapsed_since "$t")s"
}

# Stop and wipe data; keep configs and logs for post-mortem (the next fresh
# start removes the whole state dir).
teardown() {
  kill_nodes
  [[ -d $STATE ]] || return 0
  local i nd
  for ((i = 1; i <= NODES; i++)); do
    nd=$(node_dir "$i")
    rm -rf "$nd/data" "$nd/pid"
  done
  rm -f "$STATE/ports" "$STATE/bootstrap" "$STATE/sasl_bootstrap" "$STATE/cluster.id"
}

on_exit() {
  local rc=$?
  unlock_ports
  if ((LAUNCHED && !START_OK)); then
    log "start did not complete; stopping what was started (logs kept in $STATE)"
    teardown || true
  fi
  exit "$rc"
}

# ---------------------------------------------------------------- readiness

brokers_in_metadata() { # prints the number of brokers the cluster reports
  local boot=$1 out n
  if [[ $PROBE == kcat || ($PROBE == auto && -n $(command -v kcat || true)) ]]; then
    out=$(timeout 10 kcat -b "$boot" -L -m 2 2>/dev/null) || return 1
    n=$(sed -n 's/^ *\([0-9][0-9]*\) brokers:.*/\1/p' <<<"$out" | head -n 1)
  else
    out=$(timeout 60 java "${TOOL_JVM_OPTS[@]}" -cp "$(kafka_cp)" \
      kafka.admin.BrokerApiVersionsCommand --bootstrap-server "$boot" \
      2>/dev/null </dev/null 7>&- 9>&-) || return 1
    n=$(grep -c '(id: [0-9]* rack:' <<<"$out" || true)
  fi
  [[ -n $n ]] || return 1
  printf '%d\n' "$n"
}

all_ports_listening() {
  local p sasl_port=""
  if sasl_active; then sasl_port=$(sasl_bootstrap_addr) && sasl_port=${sasl_port##*:}; fi
  for p in $(ports_column 2) $(ports_column 3) $sasl_port; do
    port_listening "$p" || return 1
  done
}

wait_ready() {
  local boot t i n=0 deadline
  boot=$(bootstrap_addr)
  t=$(now)
  deadline=$((t + START_TIMEOUT * 1000000))
  while :; do
    for ((i = 1; i <= NODES; i++)); do
      if ! node_alive "$i"; then
        log "error: node $i exited during startup"
        show_node_logs "$i"
        exit 1
      fi
    done
    if all_ports_listening; then
      unlock_ports
      if n=$(brokers_in_metadata "$boot") && ((n >= NODES)); then
        log "ready: $n broker(s) in metadata after $(elapsed_since "$t")s"
        return 0
      fi
    fi
    if (($(now) >= deadline)); then
      log "error: not ready after ${START_TIMEOUT}s (brokers in metadata: ${n:-0}/$NODES)"
      for ((i = 1; i <= NODES; i++)); do show_node_logs "$i"; done
      exit 1
    fi
    sleep "$POLL_INTERVAL"
  done
}

# ---------------------------------------------------------------- commands

cmd_start() {
  local t0 alive i bport cport sport="" voters="" boot=""
  t0=$(now)
  need java
  ensure_classpath
  lock_state
  trap on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  if state_active; then
    alive=$(alive_count)
    if ((alive == NODES)); then
      log "already running ($STATE)"
      if ((NODES == 1)) && ! sasl_active; then
        log "note: it has no SASL listener (started by an older ci/local-kafka.sh;" \
          "stop and start it to get one)"
      fi
      wait_ready
      START_OK=1
      bootstrap_addr
      return 0
    fi
    if ((alive > 0)); then
      log "$alive/$NODES nodes running; restarting the others with their data"
      for ((i = 1; i <= NODES; i++)); do
        node_alive "$i" || launch_node "$i"
      done
      wait_ready
      START_OK=1
      bootstrap_addr
      return 0
    fi
  fi

  # Fresh cluster.
  rm -rf "$STATE"
  mkdir -p "$STATE"
  lock_ports
  PORT_CURSOR=$PORT_BASE
  : >"$STATE/ports.tmp"
  for ((i = 1; i <= NODES; i++)); do
    bport=$(next_free_port)
    PORT_CURSOR=$((bport + 1))
    cport=$(next_free_port)
    PORT_CURSOR=$((cport + 1))
    printf '%d %d %d\n' "$i" "$bport" "$cport" >>"$STATE/ports.tmp"
    voters+="${voters:+,}$i@127.0.0.1:$cport"
    boot+="${boot:+,}127.0.0.1:$bport"
  done
  if ((NODES == 1)); then
    sport=$(next_free_port)
    PORT_CURSOR=$((sport + 1))
  fi
  gen_cluster_id >"$STATE/cluster.id"
  write_broker_log4j
  while read -r i bport cport; do
    write_server_properties "$i" "$bport" "$cport" "$voters" "$sport"
  done <"$STATE/ports.tmp"
  mv -f "$STATE/ports.tmp" "$STATE/ports"
  if [[ -n $sport ]]; then
    printf '127.0.0.1:%d\n' "$sport" >"$STATE/sasl_bootstrap"
  fi
  printf '%s\n' "$boot" >"$STATE/bootstrap"
  log "starting $NODES-node Kafka 3.9.2 (KRaft) at $boot${sport:+ (SASL_PLAINTEXT/PLAIN at 127.0.0.1:$sport)}, state in $STATE"

  format_nodes
  for ((i = 1; i <= NODES; i++)); do launch_node "$i"; done
  wait_ready
  START_OK=1
  log "started in $(elapsed_since "$t0")s"
  bootstrap_addr
}

cmd_stop() {
  lock_state
  if [[ ! -d $STATE ]]; then
    log "not running ($STATE does not exist)"
    return 0
  fi
  teardown
  log "stopped; data removed from $STATE"
}

cmd_status() {
  local alive
  if ! state_active; then
    printf 'not running (%d broker cluster, %s)\n' "$NODES" "$STATE"
    return 3
  fi
  alive=$(alive_count)
  if ((alive == NODES)); then
    printf 'running: %d broker(s) at %s (%s)\n' "$NODES" "$(bootstrap_addr)" "$STATE"
    return 0
  elif ((alive > 0)); then
    printf 'degraded: %d/%d nodes running at %s (%s)\n' "$alive" "$NODES" "$(bootstrap_addr)" "$STATE"
    return 3
  fi
  printf 'not running (stale state, %s)\n' "$STATE"
  return 3
}

cmd_bootstrap() {
  if state_active && (($(alive_count) > 0)); then
    bootstrap_addr
    return 0
  fi
  log "not running ($STATE); run: ci/local-kafka.sh start${1:+ --brokers $1}"
  return 3
}

cmd_sasl_bootstrap() {
  if state_active && (($(alive_count) > 0)); then
    if sasl_active; then
      sasl_bootstrap_addr
      return 0
    fi
    log "the broker in $STATE has no SASL listener (started by an older" \
      "ci/local-kafka.sh); restart it: ci/local-kafka.sh stop && ci/local-kafka.sh start"
    return 3
  fi
  log "not running ($STATE); run: ci/local-kafka.sh start"
  return 3
}

main() {
  local cmd=${1:-}
  [[ -n $cmd ]] || {
    usage
    exit 2
  }
  shift
  local brokers=${RECONCILE_KAFKA_BROKERS:-1} all=0
  while (($# > 0)); do
    case $1 in
      --brokers)
        (($# >= 2)) || die "--brokers needs a value"
        brokers=$2
        shift 2
        ;;
      --brokers=*)
        brokers=${1#*=}
        shift
        ;;
      --all)
        all=1
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown argument '$1' (see: $0 --help)" ;;
    esac
  done
  [[ $all == 0 || $cmd == stop ]] || die "--all is only for stop"

  case $cmd in
    start)
      select_cluster "$brokers"
      cmd_start
      ;;
    stop)
      if ((all)); then
        select_cluster 1
        (cmd_stop)
        select_cluster 3
        cmd_stop
      else
        select_cluster "$brokers"
        cmd_stop
      fi
      ;;
    status)
      select_cluster "$brokers"
      cmd_status
      ;;
    bootstrap)
      select_cluster "$brokers"
      local arg=""
      [[ $brokers == 1 ]] || arg=$brokers
      cmd_bootstrap "$arg"
      ;;
    sasl-bootstrap)
      [[ $brokers == 1 ]] ||
        die "only the 1-broker cluster has a SASL listener (got --brokers $brokers)"
      select_cluster 1
      cmd_sasl_bootstrap
      ;;
    cp | classpath)
      ensure_classpath
      tools_cp
      ;;
    -h | --help | help)
      usage
      ;;
    *)
      usage
      die "unknown command '$cmd'"
      ;;
  esac
}

main "$@"
