#!/usr/bin/env bash
# Measures items/s at chunk size 1 against workers and shards on a private 3-node RabbitMQ cluster on this host
# (docs/SCALING.md), then stops the nodes it started, and only those. The nodes listen on 127.0.0.1:5781-5783 and
# share a fresh Erlang cookie under a temporary HOME; quorum queues spread their leaders over the nodes
# (queue_leader_locator = balanced), and the URL lists all three, so each client connects to one of them.
#
# Usage: docs/bench/cluster.sh [ITEMS] [WORKERS...]      (default: 20000 items; 1 2 4 workers; 1 2 4 shards each)
# Prints one JSON line per (workers, shards) from `mqpool bench --format json`, prefixed with both.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
items=${1:-20000}
shift || true
workers=("${@:-1 2 4}")
read -r -a workers <<<"${workers[*]}"
rmq=/usr/lib/rabbitmq/bin
base=$(mktemp -d "${TMPDIR:-/tmp}/mqpool-cluster.XXXXXX")
cookie="MQPOOLBENCH$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)"
pids=()

cleanup() {
  local k
  for k in 1 2 3; do
    HOME="$base/home" "$rmq/rabbitmqctl" -n "bench$k@localhost" stop >/dev/null 2>&1 || true
  done
  for k in "${pids[@]}"; do kill "$k" 2>/dev/null || true; done
  rm -rf "$base"
}
trap cleanup EXIT

mkdir -p "$base/home"
printf '%s' "$cookie" >"$base/home/.erlang.cookie"
chmod 400 "$base/home/.erlang.cookie"

node_env() {
  local k=$1
  printf '%s\n' "HOME=$base/home" "RABBITMQ_NODENAME=bench$k@localhost" "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1" \
    "RABBITMQ_NODE_PORT=$((5780 + k))" "RABBITMQ_DIST_PORT=$((25780 + k))" "RABBITMQ_MNESIA_BASE=$base/n$k/mnesia" \
    "RABBITMQ_LOG_BASE=$base/n$k/log" "RABBITMQ_CONFIG_FILE=$base/n$k/rabbitmq" \
    "RABBITMQ_ENABLED_PLUGINS_FILE=$base/n$k/enabled_plugins" "RABBITMQ_CONF_ENV_FILE=$base/n$k/rabbitmq-env.conf"
}

for k in 1 2 3; do
  mkdir -p "$base/n$k/mnesia" "$base/n$k/log"
  printf 'queue_leader_locator = balanced\n' >"$base/n$k/rabbitmq.conf"
  printf '[].\n' >"$base/n$k/enabled_plugins"
  : >"$base/n$k/rabbitmq-env.conf"
  env $(node_env "$k") "$rmq/rabbitmq-server" >"$base/n$k/out" 2>&1 &
  pids+=($!)
done
# await_startup needs the node to be up already: try it until the node answers (at most a minute).
for k in 1 2 3; do
  for ((t = 0; ; t++)); do
    HOME="$base/home" "$rmq/rabbitmqctl" -q -n "bench$k@localhost" await_startup --timeout 30 >/dev/null 2>&1 && break
    if ((t >= 60)); then echo "node bench$k did not start:" >&2; tail -20 "$base/n$k/out" >&2; exit 1; fi
    sleep 1
  done
done
for k in 2 3; do
  HOME="$base/home" "$rmq/rabbitmqctl" -q -n "bench$k@localhost" stop_app
  HOME="$base/home" "$rmq/rabbitmqctl" -q -n "bench$k@localhost" join_cluster bench1@localhost
  HOME="$base/home" "$rmq/rabbitmqctl" -q -n "bench$k@localhost" start_app
done
echo "cluster: $(HOME="$base/home" "$rmq/rabbitmqctl" -q -n bench1@localhost cluster_status --formatter json |
  /usr/bin/python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["running_nodes"]))')" >&2

export MQPOOL_URL="amqp://guest:guest@127.0.0.1:5781,127.0.0.1:5782,127.0.0.1:5783"
for w in "${workers[@]}"; do
  for s in 1 2 4; do
    out=$(MQPOOL_JAVA_OPTS="-XX:+UseSerialGC -Xmx256m" "$root/bin/mqpool" bench --items "$items" --chunk-size 1 \
      --runs 3 --warmup 1 --latency 0 --workers "$w" --shards "$s" --no-baseline --no-python --format json)
    printf '{"workers":%d,"shards":%d,"bench":%s}\n' "$w" "$s" "$out"
  done
done
