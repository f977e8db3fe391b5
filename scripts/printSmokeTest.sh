#!/bin/sh
# azd postdeploy hook: prints a function key of the new app and the dry run that proves it works
# (docs/deploying.md, step 2). Never fails the deployment, and prints no key in CI logs.
set -u
if [ -n "${CI:-}${GITHUB_ACTIONS:-}${TF_BUILD:-}" ]; then
  echo "postdeploy: CI run, no function key printed."
  exit 0
fi
url="${AZURE_FUNCTION_APP_URL:-}"
keys="az functionapp function keys list -g ${AZURE_RESOURCE_GROUP:-<rg>} -n ${AZURE_FUNCTION_APP_NAME:-<app>} --function-name userSignout --query default -o tsv"
key=""
if command -v az >/dev/null 2>&1; then
  key=$($keys 2>/dev/null || true)
fi
if [ -z "$key" ]; then
  echo "postdeploy: get a function key with (Azure CLI, signed in with az login):"
  echo "  $keys"
  key="<function key>"
fi
echo "postdeploy: smoke test, a dry run (lists, changes nothing):"
echo "  curl -sS -X POST \"$url/api/avd/user-signout\" -H \"x-functions-key: $key\" -H \"content-type: application/json\" --data '{\"userPrincipalName\":\"someone@contoso.com\",\"dryRun\":true}'"
