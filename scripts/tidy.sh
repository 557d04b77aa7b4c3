#!/usr/bin/env bash
# Runs `go mod tidy` in every module of the workspace. Tidy cannot run
# inside the workspace, and outside it our own modules (required at v3.0.0,
# never published) cannot be fetched: so each module is tidied with
# GOWORK=off and temporary replace directives pointing every module of ours
# at its directory, which are dropped again afterwards. `make sync-deps`
# then aligns versions across modules.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

mods=()
while read -r path dir; do
  mods+=("$path=$dir")
done < <(go list -m -f '{{.Path}} {{.Dir}}')

for m in "${mods[@]}"; do
  dir=${m#*=}
  reps=() drops=()
  for o in "${mods[@]}"; do
    opath=${o%%=*} odir=${o#*=}
    [ "$odir" = "$dir" ] && continue
    rel=$(realpath --relative-to="$dir" "$odir")
    case $rel in .*) ;; *) rel=./$rel ;; esac
    reps+=("-replace=$opath@v3.0.0=$rel")
    drops+=("-dropreplace=$opath@v3.0.0")
  done
  echo "tidy ${dir#$root/}"
  (
    cd "$dir"
    go mod edit "${reps[@]}"
    trap 'go mod edit "${drops[@]}"' EXIT
    GOWORK=off GOFLAGS=-mod=mod go mod tidy
  )
done
