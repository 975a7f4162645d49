#!/bin/bash
# End-to-end test of the SLURM path on one machine (run by .ci/run, as root):
#  1. installs Debian's slurmd, slurmctld, slurm-client and munge with apt-get if absent;
#  2. starts a private single-node cluster on localhost (munged, slurmctld, slurmd with a
#     generated slurm.conf: no cgroups, proctrack/linuxproc, its own ports and folders);
#  3. submits a 4-task array of a sweep on a bundled scenario plus the dependent merge job
#     (deploy/slurm/submit.sh), waits with a bounded timeout;
#  4. checks that the merged result equals a single-machine run of the same sweep;
#  5. stops the daemons it started, by their pids (also on failure).
# Fails with the reason when the machine cannot run the daemons; never passes silently.
#   deploy/slurm/test-local.sh [path/to/ccsim]      (default: target/release/ccsim)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
ccsim="$(realpath "${1:-$repo/target/release/ccsim}")"
timeout_s="${CCSIM_SLURM_TIMEOUT:-300}"
fail() { echo "slurm test FAILED: $*" >&2; exit 1; }
[ -x "$ccsim" ] || fail "no ccsim binary at $ccsim (build it first: cargo build --release)"

need=()
for cmd in slurmd:slurmd slurmctld:slurmctld sbatch:slurm-client munged:munge; do
    command -v "${cmd%%:*}" >/dev/null 2>&1 || need+=("${cmd##*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
    [ "$(id -u)" = 0 ] || fail "needs ${need[*]} installed (or root to install them with apt-get)"
    echo "installing ${need[*]} from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || fail "apt-get install ${need[*]} failed"
fi

work="$(mktemp -d /tmp/ccsim-slurm.XXXXXX)"
pids=()
stop() {
    for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
    sleep 1
    for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
        [ -s "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true
    done
    if [ "${keep:-0}" = 0 ]; then rm -rf "$work"; else echo "logs kept in $work"; fi
}
trap stop EXIT
keep=1

mkdir -p "$work/state" "$work/spool" "$work/munge" "$work/parts"
chmod 700 "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
munged --force --socket="$work/munge/socket" --key-file="$work/munge/munge.key" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" \
    || fail "munged did not start (see $work/munge/munged.log)"

host="$(hostname -s)"
port=$((20000 + RANDOM % 20000))
cat > "$work/slurm.conf" <<CONF
ClusterName=ccsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldPort=$port
SlurmdPort=$((port + 1))
ReturnToService=2
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=ccsimtest Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(tail -3 "$work/slurmctld.log" 2>/dev/null)"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(tail -3 "$work/slurmd.log" 2>/dev/null)"
up=0
for _ in $(seq 1 30); do
    if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then up=1; break; fi
    sleep 1
done
[ "$up" = 1 ] || fail "the node never became idle: $(sinfo 2>&1 | tail -2); slurmd log: $(tail -3 "$work/slurmd.log" 2>/dev/null)"
echo "single-node cluster up on $host (ports $port-$((port + 1)))"

# the jobs run in $work (their logs go there); the study names its files by absolute paths
cd "$work"
study=(sweep "$repo/scenarios/erlang_c_check.yaml" --vary agents.team=11..14:1 -n 24 --seed 7)
export CCSIM="$ccsim" CCSIM_PARTS="$work/parts"
t0=$(date +%s.%N)
ids="$("$repo/deploy/slurm/submit.sh" 4 "$work/merged.json" -- "${study[@]}")" || fail "sbatch refused the jobs"
echo "$ids"
merge_id="$(echo "$ids" | sed -n 's/.*merge: job \([0-9]*\).*/\1/p')"
deadline=$((SECONDS + timeout_s))
state=""
while [ "$SECONDS" -lt "$deadline" ]; do
    state="$(scontrol show job "$merge_id" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')"
    case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break;; esac
    if [ "$(squeue -h -j "$merge_id" -o %r 2>/dev/null)" = DependencyNeverSatisfied ]; then
        fail "an array task failed, so the merge job never ran: $(tail -n 3 "$work"/ccsim-shard-*.log 2>/dev/null)"
    fi
    sleep 2
done
t1=$(date +%s.%N)
[ "$state" = COMPLETED ] || fail "merge job $merge_id ended as '${state:-unknown}' after ${SECONDS}s; squeue: $(squeue 2>&1 | tail -5)"
[ -s "$work/merged.json" ] || fail "the merge job wrote no result"

t2=$(date +%s.%N)
"$ccsim" "${study[@]}" -q --format json -o "$work/single.json"
t3=$(date +%s.%N)
python3 "$repo/deploy/slurm/same_result.py" "$work/single.json" "$work/merged.json" \
    || fail "the merged result differs from the single-machine run"
keep=0
echo "slurm test passed: 4 array tasks + merge job equal a single-machine run"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN { printf "wall time: array + merge through SLURM %.1f s (scheduling included), the same work on this machine %.1f s\n", b - a, d - c }'
