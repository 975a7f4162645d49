#!/bin/bash
# Submits a sharded ccsim study to SLURM: N array tasks, then a merge job that runs only if
# every task succeeded.
#   deploy/slurm/submit.sh N RESULT -- sweep scenarios/realistic_day.yaml --vary agents.agents=20..40:2
# Environment: CCSIM (binary), CCSIM_PARTS (shared folder for the parts), SBATCH_* as usual.
# Prints the two job ids.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n="${1:?usage: $0 N RESULT -- CCSIM ARGS...}"
out="${2:?usage: $0 N RESULT -- CCSIM ARGS...}"
shift 2
[ "${1:-}" = "--" ] && shift
case "$n" in ''|*[!0-9]*|0) echo "N must be a whole number ≥ 1 (got '$n')" >&2; exit 2;; esac
array=$(sbatch --parsable --array="0-$((n - 1))" "$here/shards.sbatch" "$@")
array="${array%%;*}"
merge=$(sbatch --parsable --dependency="afterok:$array" "$here/merge.sbatch" "$out")
merge="${merge%%;*}"
echo "shards: job $array ($n tasks); merge: job $merge -> $out"
