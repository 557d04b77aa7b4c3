#!/usr/bin/env bash
# Raises every module's requirement on a third-party module to the version
# the workspace selects (the highest any module asks for), so that each
# dependency is required at one version everywhere (tests/deps checks it).
# `go work sync` does the same only for modules in each module's own build
# graph, which leaves test-only and pruned requirements behind.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A selected
while read -r path ver; do
  [ -n "$ver" ] && selected[$path]=$ver
done < <(go list -m -f '{{.Path}} {{.Version}}' all 2>/dev/null)

for gomod in $(go list -m -f '{{.GoMod}}'); do
  dir=$(dirname "$gomod")
  edits=()
  while read -r path ver; do
    case $path in github.com/etcdgo/etcd/*) continue ;; esac
    want=${selected[$path]:-}
    if [ -n "$want" ] && [ "$want" != "$ver" ]; then
      edits+=("-require=$path@$want")
    fi
  done < <(cd "$dir" && go mod edit -json | python3 -c 'import json,sys; [print(r["Path"], r["Version"]) for r in json.load(sys.stdin).get("Require") or []]')
  if [ ${#edits[@]} -gt 0 ]; then
    echo "${dir#$PWD/}: ${edits[*]}"
    (cd "$dir" && go mod edit "${edits[@]}")
  fi
done
