#!/usr/bin/env bash
# Compares the CPU cost of coturn's turnserver and media-service's TURN relay (io.parley.media.turn) under
# identical turnutils_uclient load. Loopback only; every wait below is bounded.
# Usage: bench/turn-vs-coturn.sh [uclient load args...]   (default: -m 10 -l 170 -n 1000 -z 5)
# ROUNDS (default 3) measured runs per server and transport, alternating coturn and Parley after one warm-up
# run each; the summary gives the median. TRANSPORTS (default "udp tcp") picks the client transports.
# Ports (UDP+TCP) can be moved with COTURN_PORT, PARLEY_PORT and PEER_PORT; the defaults stay clear of a
# running ./parley up (3478). Needs: apt-get install -y coturn.
set -euo pipefail
cd "$(dirname "$0")/.."

LOAD=("$@")
if [ ${#LOAD[@]} -eq 0 ]; then LOAD=(-m 10 -l 170 -n 1000 -z 5); fi
SECRET=bench-secret
REALM=parley.bench
PEER_PORT=${PEER_PORT:-23480}
COTURN_PORT=${COTURN_PORT:-23478}
PARLEY_PORT=${PARLEY_PORT:-23479}
HZ=$(getconf CLK_TCK)
LOGDIR=$(mktemp -d /tmp/turnbench.XXXXXX)
PIDS=()

for bin in turnserver turnutils_uclient turnutils_peer turnutils_stunclient java; do
  command -v "$bin" >/dev/null || { echo "missing $bin (apt-get install -y coturn)"; exit 1; }
done
if command -v ss >/dev/null; then
  for port in "$PEER_PORT" "$COTURN_PORT" "$PARLEY_PORT"; do
    if [ -n "$(ss -Hlnut "sport = :$port")" ]; then
      echo "port $port is already in use; choose others with COTURN_PORT, PARLEY_PORT, PEER_PORT"; exit 1
    fi
  done
fi
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The relay classes and the launcher (a test class) with media-service's test classpath: the relay logs through
# io.quarkus.logging.Log, which outside a Quarkus application needs quarkus-core and JUnit on the classpath.
echo "building media-service classes (logs in $LOGDIR)"
./mvnw -q -pl media-service -DskipTests test-compile >"$LOGDIR/build.log" 2>&1 \
  || { tail -20 "$LOGDIR/build.log"; exit 1; }
./mvnw -q -pl media-service dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$LOGDIR/classpath.txt" >>"$LOGDIR/build.log" 2>&1 \
  || { tail -20 "$LOGDIR/build.log"; exit 1; }
CLASSPATH_PARLEY="media-service/target/classes:media-service/target/test-classes:$(cat "$LOGDIR/classpath.txt")"

# utime and stime of all threads of a process, in seconds: "user system"
cpu_times() { awk -v hz="$HZ" '{ sub(/^.*\) /, ""); printf "%.2f %.2f\n", $12 / hz, $13 / hz }' "/proc/$1/stat"; }

wait_stun() { # bounded readiness poll with a STUN binding
  for _ in $(seq 1 50); do
    if timeout 2 turnutils_stunclient -p "$1" 127.0.0.1 >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "server on port $1 did not come up (logs in $LOGDIR)"; exit 1
}

run_load() { # $1 = port, $2.. = extra flags; prints a summary line
  local port=$1; shift
  local log=$LOGDIR/uclient-$port-$RANDOM.log
  timeout 300 turnutils_uclient "$@" "${LOAD[@]}" -W "$SECRET" -u bench -e 127.0.0.1 -r "$PEER_PORT" \
    -p "$port" 127.0.0.1 >"$log" 2>&1 || true
  local recv secs lost rtt
  recv=$(grep -o 'tot_recv_msgs=[0-9]*' "$log" | tail -1 | cut -d= -f2)
  secs=$(grep -o 'Total transmit time is [0-9]*' "$log" | tail -1 | awk '{print $5}')
  lost=$(grep -o 'Total lost packets .*' "$log" | tail -1)
  rtt=$(grep -o 'Average round trip delay [0-9.]* ms' "$log" | tail -1 | awk '{print $5}')
  echo "recv_msgs=${recv:-?} time_s=${secs:-?} msgs_per_s=$(awk -v r="${recv:-0}" -v s="${secs:-0}" 'BEGIN{ if (s>0) printf "%.0f", r/s; else print "?" }') rtt_ms=${rtt:-?} | ${lost:-no summary (see $log)}"
}

RESULTS=()
measure() { # $1 = name, $2 = pid, $3 = port, $4 = transport (udp|tcp); prints one line, records the rate
  local name=$1 pid=$2 port=$3 transport=$4
  local flags=()
  if [ "$transport" = tcp ]; then flags=(-t); fi
  local before after summary
  before=$(cpu_times "$pid")
  summary=$(run_load "$port" "${flags[@]}")
  after=$(cpu_times "$pid")
  local recv user sys cpu rate
  recv=$(echo "$summary" | sed -n 's/^recv_msgs=\([0-9]*\).*/\1/p')
  read -r user sys < <(awk -v a="$after" -v b="$before" 'BEGIN{split(a, x, " "); split(b, y, " "); printf "%.2f %.2f\n", x[1]-y[1], x[2]-y[2]}')
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')
  # each echoed message is relayed twice (client->peer and peer->client)
  rate=$(awk -v r="${recv:-0}" -v c="$cpu" 'BEGIN{ if (c>0) printf "%.0f", 2*r/c; else print "n/a" }')
  printf '%-7s %-4s %s | server_cpu_s=%s (user %s, system %s) relayed_pkts_per_cpu_s=%s\n' "$name" "$transport" \
    "$summary" "$cpu" "$user" "$sys" "$rate"
  RESULTS+=("$name $transport $rate")
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

turnutils_peer -L 127.0.0.1 -p "$PEER_PORT" >"$LOGDIR/peer.log" 2>&1 &
PIDS+=($!)

turnserver -n --listening-ip=127.0.0.1 --listening-port="$COTURN_PORT" --relay-ip=127.0.0.1 \
  --min-port=53000 --max-port=53999 --use-auth-secret --static-auth-secret=$SECRET --realm=$REALM \
  --no-tls --no-dtls --no-cli --allow-loopback-peers --fingerprint --no-stdout-log \
  --log-file="$LOGDIR/coturn.log" --pidfile="$LOGDIR/coturn.pid" >/dev/null 2>&1 &
COTURN_PID=$!
PIDS+=($COTURN_PID)

# Relay ports 52000-52999 (set in TurnServerMain), apart from coturn's and from media-service's defaults.
java -cp "$CLASSPATH_PARLEY" io.parley.media.turn.TurnServerMain "$PARLEY_PORT" $SECRET $REALM \
  >"$LOGDIR/parley.log" 2>&1 &
PARLEY_PID=$!
PIDS+=($PARLEY_PID)

wait_stun "$COTURN_PORT"
wait_stun "$PARLEY_PORT"

ROUNDS=${ROUNDS:-3}
TRANSPORTS=${TRANSPORTS:-udp tcp}
echo "load: turnutils_uclient ${LOAD[*]}, $ROUNDS rounds per server and transport (logs in $LOGDIR)"
for transport in $TRANSPORTS; do
  flags=()
  if [ "$transport" = tcp ]; then flags=(-t); fi
  # identical warm-up run for both servers (lets the JVM JIT settle), not counted
  run_load "$COTURN_PORT" "${flags[@]}" >/dev/null
  run_load "$PARLEY_PORT" "${flags[@]}" >/dev/null
  for round in $(seq 1 "$ROUNDS"); do
    measure coturn "$COTURN_PID" "$COTURN_PORT" "$transport"
    measure parley "$PARLEY_PID" "$PARLEY_PORT" "$transport"
  done
done

echo
echo "median relayed packets per CPU-second over $ROUNDS rounds:"
for transport in $TRANSPORTS; do
  c=$(printf '%s\n' "${RESULTS[@]}" | awk -v t="$transport" '$1 == "coturn" && $2 == t { print $3 }' | median)
  p=$(printf '%s\n' "${RESULTS[@]}" | awk -v t="$transport" '$1 == "parley" && $2 == t { print $3 }' | median)
  printf '%-4s coturn=%s parley=%s parley/coturn=%s\n' "$transport" "$c" "$p" \
    "$(awk -v c="$c" -v p="$p" 'BEGIN{ if (c > 0) printf "%+.0f %%", (p / c - 1) * 100; else print "n/a" }')"
done
