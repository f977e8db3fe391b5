# azd predeploy hook (Windows): the PowerShell twin of waitForDeployAccess.sh, with the same settings
# and the same bounded wait; see that file for the reasons.
$ErrorActionPreference = 'Stop'

$container = $env:AVD_DEPLOYMENT_CONTAINER_URL
$limit = if ($env:AVD_DEPLOY_WAIT_SECONDS) { [int]$env:AVD_DEPLOY_WAIT_SECONDS } else { 600 }
$interval = if ($env:AVD_DEPLOY_WAIT_INTERVAL_SECONDS) { [double]$env:AVD_DEPLOY_WAIT_INTERVAL_SECONDS } else { 10 }

if ($env:AVD_DEPLOYER_PROBE -ne 'true' -or -not $container) {
  Write-Host 'predeploy: no deployer access to probe (deployerPrincipalId was empty); not waiting for role assignments.'
  exit 0
}

$headers = @{ 'x-ms-version' = '2023-11-03'; 'x-ms-blob-type' = 'BlockBlob' }
$query = ''
if ($env:AVD_DEPLOY_PROBE_SAS) {
  $query = '?' + $env:AVD_DEPLOY_PROBE_SAS.TrimStart('?')
} else {
  $token = $env:AVD_DEPLOY_PROBE_TOKEN
  if (-not $token -and (Get-Command azd -ErrorAction SilentlyContinue)) {
    try { $token = (azd auth token --scope https://storage.azure.com/.default --output json | ConvertFrom-Json).token } catch { $token = $null }
  }
  if (-not $token -and (Get-Command az -ErrorAction SilentlyContinue)) {
    try { $token = az account get-access-token --resource https://storage.azure.com/ --query accessToken -o tsv } catch { $token = $null }
  }
  if (-not $token) {
    Write-Host 'predeploy: could not get a Storage token (azd auth token, az account get-access-token); not waiting for role assignments.'
    exit 0
  }
  $headers['Authorization'] = "Bearer $token"
}

$probe = $container.TrimEnd('/') + "/azd-predeploy-probe-$PID"
$started = Get-Date
$attempt = 0
Write-Host "predeploy: waiting up to $limit s for the storage role assignments to take effect (probe: write to $($container.TrimEnd('/')))..."
while ($true) {
  $attempt++
  $status = 0
  try {
    $response = Invoke-WebRequest -Method Put -Uri ($probe + $query) -Headers $headers -Body '' -SkipHttpErrorCheck -UseBasicParsing
    $status = [int]$response.StatusCode
  } catch {
    $status = 0
  }
  if ($status -eq 201) {
    $headers.Remove('x-ms-blob-type')
    try { Invoke-WebRequest -Method Delete -Uri ($probe + $query) -Headers $headers -SkipHttpErrorCheck -UseBasicParsing | Out-Null } catch { }
    $elapsed = [int]((Get-Date) - $started).TotalSeconds
    Write-Host "predeploy: role assignments in effect after $elapsed s ($attempt probe(s)); deploying."
    exit 0
  }
  $elapsed = [int]((Get-Date) - $started).TotalSeconds
  if ($elapsed -ge $limit) {
    Write-Error "predeploy: still refused (HTTP $status) after $elapsed s: the role assignments have not taken effect yet. Wait a few minutes and run 'azd deploy' again (or raise AVD_DEPLOY_WAIT_SECONDS)." -ErrorAction Continue
    exit 1
  }
  Write-Host "predeploy: HTTP $status, not yet ($elapsed s of $limit s); next probe in $interval s."
  Start-Sleep -Milliseconds ([int]($interval * 1000))
}
