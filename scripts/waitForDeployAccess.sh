#!/bin/sh
# azd predeploy hook: waits, bounded, until the role assignments `azd provision` just made on the
# app's storage account have taken effect, then lets azd upload the package. Role assignments take
# minutes to propagate; a deploy right after provisioning can otherwise fail with 403 writing the
# package to the deployment container (Azure/azure-dev#8026), and only a rerun of `azd deploy` helps.
#
# The probe: write and delete an empty blob in the deployment container as the deploying principal,
# whose access there (Storage Blob Data Contributor, infra/app/resources.bicep) is granted in the
# same deployment as, and after, the app identity's storage roles. A 403 means "not yet".
#
# Settings (azd passes the environment's values; each can be set by hand, e.g. against Azurite):
#   AVD_DEPLOYMENT_CONTAINER_URL   the container (a deployment output)
#   AVD_DEPLOYER_PROBE             "true" when the deployer was granted the probe's access (an output)
#   AVD_DEPLOY_PROBE_SAS           a SAS query string to use instead of a token (emulators, tests)
#   AVD_DEPLOY_PROBE_TOKEN         a Storage bearer token; by default `azd auth token`, else `az`
#   AVD_DEPLOY_WAIT_SECONDS        longest wait (default 600: propagation usually takes 1-5 minutes)
#   AVD_DEPLOY_WAIT_INTERVAL_SECONDS  pause between probes (default 10)
set -u

container="${AVD_DEPLOYMENT_CONTAINER_URL:-}"
limit="${AVD_DEPLOY_WAIT_SECONDS:-600}"
interval="${AVD_DEPLOY_WAIT_INTERVAL_SECONDS:-10}"

if [ "${AVD_DEPLOYER_PROBE:-false}" != "true" ] || [ -z "$container" ]; then
  echo "predeploy: no deployer access to probe (deployerPrincipalId was empty); not waiting for role assignments."
  exit 0
fi
if ! command -v curl >/dev/null 2>&1; then
  echo "predeploy: curl is not installed; not waiting for role assignments (if azd deploy fails with 403, run it again in a few minutes)."
  exit 0
fi

auth_header=""
query=""
if [ -n "${AVD_DEPLOY_PROBE_SAS:-}" ]; then
  query="?${AVD_DEPLOY_PROBE_SAS#\?}"
else
  token="${AVD_DEPLOY_PROBE_TOKEN:-}"
  if [ -z "$token" ] && command -v azd >/dev/null 2>&1; then
    token=$(azd auth token --scope https://storage.azure.com/.default --output json 2>/dev/null |
      sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
  fi
  if [ -z "$token" ] && command -v az >/dev/null 2>&1; then
    token=$(az account get-access-token --resource https://storage.azure.com/ --query accessToken -o tsv 2>/dev/null)
  fi
  if [ -z "$token" ]; then
    echo "predeploy: could not get a Storage token (azd auth token, az account get-access-token); not waiting for role assignments."
    exit 0
  fi
  auth_header="Authorization: Bearer $token"
fi

probe="${container%/}/azd-predeploy-probe-$$"
started=$(date +%s)
attempt=0
echo "predeploy: waiting up to ${limit} s for the storage role assignments to take effect (probe: write to ${container%/})..."
while :; do
  attempt=$((attempt + 1))
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT "$probe$query" \
    ${auth_header:+-H "$auth_header"} \
    -H "x-ms-version: 2023-11-03" -H "x-ms-blob-type: BlockBlob" -H "content-length: 0" 2>/dev/null || echo 000)
  if [ "$status" = "201" ]; then
    curl -sS -o /dev/null -X DELETE "$probe$query" ${auth_header:+-H "$auth_header"} -H "x-ms-version: 2023-11-03" \
      2>/dev/null || true
    echo "predeploy: role assignments in effect after $(($(date +%s) - started)) s (${attempt} probe(s)); deploying."
    exit 0
  fi
  elapsed=$(($(date +%s) - started))
  if [ "$elapsed" -ge "$limit" ]; then
    echo "predeploy: still refused (HTTP ${status}) after ${elapsed} s: the role assignments have not taken effect yet." >&2
    echo "predeploy: wait a few minutes and run 'azd deploy' again (or raise AVD_DEPLOY_WAIT_SECONDS)." >&2
    exit 1
  fi
  echo "predeploy: HTTP ${status}, not yet (${elapsed} s of ${limit} s); next probe in ${interval} s."
  sleep "$interval"
done
