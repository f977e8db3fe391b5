// avd-user-signout: the whole deployment (`azd up`, or infra/azuredeploy.json behind the
// "Deploy to Azure" button). Subscription scope, because it creates the resource group and
// grants the app's identity a role on each AVD subscription.
//
// Whoever deploys needs Owner or User Access Administrator on each AVD subscription (to create the
// custom role there and assign it; with avdSessionRole=builtInRoles, Role Based Access Control
// Administrator suffices) and on the target subscription, to create the role assignments.
//
// Numeric parameters carry the bounds the app accepts (src/lib/config/appConfig.ts,
// numericSettingBounds; test/unit/infra/settingBounds.test.ts holds them equal). Cross-setting rules
// the template cannot express are in docs/settings.md: jobDeadlineSeconds > asyncMaxGracePeriodSeconds,
// and operationRetentionDays × 86,400 ≥ jobDeadlineSeconds + asyncMaxGracePeriodSeconds.
targetScope = 'subscription'

metadata description = 'Signs a user out of every Azure Virtual Desktop session across the configured subscriptions (Azure Functions, Flex Consumption).'

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd); makes the resource names unique and names the resource group.')
param environmentName string

// Regions that offer Flex Consumption (FC1). Source: Microsoft's list as `az functionapp
// list-flexconsumption-locations` printed it (2025; Microsoft Learn, "Flex Consumption plan",
// regional availability). To refresh: run
//   az functionapp list-flexconsumption-locations --query "sort([].name)" -o tsv
// and replace this list with its output, then `npm run infra:build`.
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'canadaeast'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'japanwest'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'switzerlandnorth'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@description('Region of every resource; one that offers Flex Consumption.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create or reuse. Empty: rg-<environmentName>.')
param resourceGroupName string = ''

@minLength(36)
@description('AVD_SUBSCRIPTION_IDS: the subscriptions to search, as GUIDs separated by commas. The app\'s identity gets the role avdSessionRole names on each.')
param avdSubscriptionIds string

@allowed([
  'leastPrivilege'
  'builtInRoles'
])
@description('The app identity\'s roles on each AVD subscription. leastPrivilege: a custom role with only the Microsoft.DesktopVirtualization actions the app calls (list host pools and user sessions; list a host pool\'s session hosts when a session stays, for its status; delete, disconnect and message a user session). builtInRoles: the built-in Desktop Virtualization User Session Operator (log off, disconnect, message) plus Desktop Virtualization Host Pool Reader (hostpools/usersessions/read, which the operator lacks and the listing needs); together they also grant deployments, support tickets and alert rules.')
param avdSessionRole string = 'leastPrivilege'

@allowed([
  ''
  'AzureCloud'
  'AzureUSGovernment'
  'AzureChinaCloud'
])
@description('AZURE_CLOUD: decides the ARM endpoint and token audience. Empty: the cloud this deployment runs in.')
param azureCloud string = ''

@description('AZURE_RESOURCE_MANAGER_ENDPOINT: where ARM requests go (https only). Empty: the cloud\'s.')
param resourceManagerEndpoint string = ''

@description('AZURE_RESOURCE_MANAGER_AUDIENCE: the token audience. Empty: the cloud\'s.')
param resourceManagerAudience string = ''

@minValue(1)
@maxValue(220)
@description('AVD_DEADLINE_SECONDS: time budget of one synchronous request, in whole seconds (the app also reads fractions).')
param deadlineSeconds int = 90

@description('AVD_SERVER_SIDE_FILTER: also ask the service to filter listings by UPN (see the README before enabling).')
param serverSideFilter bool = false

@minValue(0)
@maxValue(5000)
@description('AVD_SCAN_GATHER_MS: how long a scan waits to gather concurrent requests before listing, in ms.')
param scanGatherMs int = 10

@minValue(1)
@maxValue(10000)
@description('AVD_ARM_READ_BURST: ARM read bucket size per subscription.')
param armReadBurst int = 250

@minValue(1)
@maxValue(10000)
@description('AVD_ARM_READS_PER_SECOND: ARM read bucket refill per second.')
param armReadsPerSecond int = 25

@minValue(1)
@maxValue(10000)
@description('AVD_ARM_DELETE_BURST: ARM delete bucket size per subscription.')
param armDeleteBurst int = 200

@minValue(1)
@maxValue(10000)
@description('AVD_ARM_DELETES_PER_SECOND: ARM delete bucket refill per second.')
param armDeletesPerSecond int = 10

@minValue(1)
@maxValue(10000)
@description('AVD_ARM_WRITE_BURST: ARM write (disconnect, message) bucket size per subscription.')
param armWriteBurst int = 200

@minValue(1)
@maxValue(10000)
@description('AVD_ARM_WRITES_PER_SECOND: ARM write bucket refill per second.')
param armWritesPerSecond int = 10

@minValue(1)
@maxValue(1024)
@description('AVD_ARM_MAX_SOCKETS: most connections to ARM per instance.')
param armMaxSockets int = 512

@minValue(1)
@maxValue(90)
@description('AVD_OPERATION_RETENTION_DAYS: how long the status of an asynchronous sign-out is kept.')
param operationRetentionDays int = 7

@minValue(0)
@maxValue(86400)
@description('AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: longest grace period an asynchronous request may ask for.')
param asyncMaxGracePeriodSeconds int = 3600

@minValue(10)
@maxValue(604800)
@description('AVD_JOB_DEADLINE_SECONDS: time budget of one asynchronous job.')
param jobDeadlineSeconds int = 7200

@minValue(1)
@maxValue(270)
@description('AVD_JOB_MESSAGE_TIMEOUT_SECONDS: longest run of one queue message of an asynchronous job; below functionTimeout.')
param jobMessageTimeoutSeconds int = 240

@minValue(0)
@maxValue(600)
@description('AVD_VERIFY_WINDOW_SECONDS: how long a verified sign-out keeps listing for sessions the service answered as done but still lists.')
param verifyWindowSeconds int = 30

@description('AVD_PROTECTED_USERS: UPNs and Entra object ids of accounts no request may sign out, disconnect or message (break-glass and administrator accounts), separated by commas, semicolons or spaces. A request naming one is refused with 403, and a session of one is never acted on; dry runs may still look.')
param protectedUsers string = ''

@minValue(1)
@maxValue(1000)
@description('Most instances of the HTTP functions. Small on purpose: see the scale settings in app/resources.bicep.')
param maximumInstanceCount int = 2

@minValue(1)
@maxValue(1000)
@description('Concurrent HTTP requests per instance before the platform scales out.')
param httpPerInstanceConcurrency int = 1000

@allowed([
  512
  2048
  4096
])
@description('Memory per instance, in MB.')
param instanceMemoryMB int = 2048

@description('Client id of an Entra app registration: when given, App Service Authentication (Microsoft Entra ID) validates the tokens callers send for it and passes the caller to the app, which then requires requiredCallerRole on the sign-out. Requests without a token still reach the app (status polls, the OpenAPI import). Empty: function keys only.')
param authClientId string = ''

@description('Object id of whoever runs `azd up` (azd sets AZURE_PRINCIPAL_ID). When given, it may write to the deployment package container (Storage Blob Data Contributor on that container only), so the predeploy hook can check that role assignments have taken effect before azd uploads. Empty: no such assignment and the hook does not wait.')
param deployerPrincipalId string = ''

@description('REQUIRED_CALLER_ROLE: app role (defined on that app registration) a caller must carry, e.g. AvdSignout.Operator. Applied only with authentication on.')
param requiredCallerRole string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var resourceGroupNameOrDefault = empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
var identityName = 'id-avd-signout-${resourceToken}'
// Known before anything is deployed: it names the custom role definition on each AVD subscription.
var identityResourceId = resourceId(
  subscription().subscriptionId,
  resourceGroupNameOrDefault,
  'Microsoft.ManagedIdentity/userAssignedIdentities',
  identityName
)
var tags = { 'azd-env-name': environmentName }
// Lower-cased and de-duplicated (union), so each subscription gets one deployment of each kind.
var avdSubscriptionIdList = union(
  map(filter(split(avdSubscriptionIds, ','), id => !empty(trim(id))), id => toLower(trim(id))),
  []
)

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupNameOrDefault
  location: location
  tags: tags
}

module app 'app/resources.bicep' = {
  scope: rg
  name: 'avd-signout-resources'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    identityName: identityName
    maximumInstanceCount: maximumInstanceCount
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    instanceMemoryMB: instanceMemoryMB
    deployerPrincipalId: deployerPrincipalId
    enableAppServiceAuthentication: !empty(authClientId)
    authClientId: authClientId
    requiredCallerRole: requiredCallerRole
    signOutSettings: {
      AVD_SUBSCRIPTION_IDS: join(avdSubscriptionIdList, ',')
      AZURE_CLOUD: empty(azureCloud) ? environment().name : azureCloud
      AZURE_RESOURCE_MANAGER_ENDPOINT: resourceManagerEndpoint
      AZURE_RESOURCE_MANAGER_AUDIENCE: resourceManagerAudience
      AVD_DEADLINE_SECONDS: string(deadlineSeconds)
      AVD_SERVER_SIDE_FILTER: string(serverSideFilter)
      AVD_SCAN_GATHER_MS: string(scanGatherMs)
      AVD_ARM_READ_BURST: string(armReadBurst)
      AVD_ARM_READS_PER_SECOND: string(armReadsPerSecond)
      AVD_ARM_DELETE_BURST: string(armDeleteBurst)
      AVD_ARM_DELETES_PER_SECOND: string(armDeletesPerSecond)
      AVD_ARM_WRITE_BURST: string(armWriteBurst)
      AVD_ARM_WRITES_PER_SECOND: string(armWritesPerSecond)
      AVD_ARM_MAX_SOCKETS: string(armMaxSockets)
      AVD_OPERATION_RETENTION_DAYS: string(operationRetentionDays)
      AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: string(asyncMaxGracePeriodSeconds)
      AVD_JOB_DEADLINE_SECONDS: string(jobDeadlineSeconds)
      AVD_JOB_MESSAGE_TIMEOUT_SECONDS: string(jobMessageTimeoutSeconds)
      AVD_PROTECTED_USERS: protectedUsers
      AVD_VERIFY_WINDOW_SECONDS: string(verifyWindowSeconds)
    }
  }
}

var useCustomRole = avdSessionRole == 'leastPrivilege'
var builtInSessionRoles = [
  // Desktop Virtualization User Session Operator
  subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ea4bfff8-7fb4-485a-aadd-d4129a0ffaa6')
  // Desktop Virtualization Host Pool Reader (hostpools/*/read: the host pool's userSessions listing)
  subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ceadfde2-b300-400a-ab7b-6143895aa822')
]

// Per AVD subscription, two deployments: the custom role's definition, then (waiting for it) the
// assignments. The assignment never goes out in the deployment that creates its definition.
module avdSessionRoleDefinition 'app/avdSessionRole.bicep' = [
  for subscriptionId in avdSubscriptionIdList: if (useCustomRole) {
    scope: subscription(subscriptionId)
    name: 'avd-signout-session-role-${uniqueString(subscriptionId, resourceToken)}'
    params: {
      identityResourceId: identityResourceId
    }
  }
]

module avdSessionOperator 'app/avdSessionOperator.bicep' = [
  for (subscriptionId, index) in avdSubscriptionIdList: {
    scope: subscription(subscriptionId)
    name: 'avd-signout-session-operator-${uniqueString(subscriptionId, resourceToken)}'
    params: {
      // Known only once the identity exists, so what-if cannot name these assignments: the price
      // of names that a new identity (after `azd down`) never shares with an orphaned assignment.
      #disable-next-line what-if-short-circuiting
      principalId: app.outputs.identityPrincipalId
      roleDefinitionIds: useCustomRole
        ? [avdSessionRoleDefinition[index].?outputs.roleDefinitionId ?? '']
        : builtInSessionRoles
    }
  }
]

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.functionAppName
output AZURE_FUNCTION_APP_URL string = 'https://${app.outputs.functionAppHostName}'
output AZURE_CLIENT_ID string = app.outputs.identityClientId
output AVD_SUBSCRIPTION_IDS string = join(avdSubscriptionIdList, ',')
output AVD_ROLE_ASSIGNMENT_COUNT int = length(avdSubscriptionIdList) * (useCustomRole ? 1 : length(builtInSessionRoles))
// Read by the predeploy hook (azd exports outputs to the environment): where it probes for access.
output AVD_DEPLOYMENT_CONTAINER_URL string = app.outputs.deploymentContainerUrl
output AVD_DEPLOYER_PROBE bool = !empty(deployerPrincipalId)
