#!/bin/sh
# Registers escalation-engine's namespace and its search attributes on a running Temporal server,
# with the `temporal` CLI. Idempotent. Used by docker-compose.yml (the temporal-namespace job,
# temporalio/admin-tools) and natively by src/ops/topology.ts (TEMPORAL_CLI=.tools/.../temporal).
#
#   TEMPORAL_ADDRESS     the server's frontend, host:port
#   TEMPORAL_NAMESPACE   the app's namespace (default "default")
#   NAMESPACE_RETENTION  how long closed escalations stay readable (default 168h)
#   SEARCH_ATTRIBUTES    space-separated Name=Type pairs; the app's are listed in
#                        workflows/kit/search-attributes.ts and test/compose.test.ts checks the list
set -eu

cli=${TEMPORAL_CLI:-temporal}
: "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}"
namespace=${TEMPORAL_NAMESPACE:-default}
: "${SEARCH_ATTRIBUTES:?set SEARCH_ATTRIBUTES}"
export TEMPORAL_ADDRESS

attempt=0
until "$cli" operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge "${HEALTH_ATTEMPTS:-60}" ]; then
    echo "Temporal at $TEMPORAL_ADDRESS is not healthy" >&2
    exit 1
  fi
  sleep 1
done

if "$cli" operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  "$cli" operator namespace create --namespace "$namespace" --retention "${NAMESPACE_RETENTION:-168h}"
  echo "created namespace $namespace"
fi

# Adding an attribute that exists with the same type changes nothing; with another type it fails.
# A namespace just created can take a moment to be served: retry for a while.
for pair in $SEARCH_ATTRIBUTES; do
  name=${pair%%=*}
  type=${pair#*=}
  attempt=0
  until "$cli" operator search-attribute create --namespace "$namespace" --name "$name" --type "$type" >/dev/null 2>&1; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 30 ]; then
      # Once more, to show why.
      "$cli" operator search-attribute create --namespace "$namespace" --name "$name" --type "$type"
      exit 1
    fi
    sleep 1
  done
  echo "search attribute $name ($type) registered"
done
