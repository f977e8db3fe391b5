// Everything in the app's resource group: identity, storage, monitoring, the Flex Consumption
// app with its settings, optional App Service Authentication, and the data-plane roles the
// identity needs on its own storage and Application Insights.

@description('Region of every resource here.')
param location string

@description('Tags for every resource.')
param tags object

@description('Short lower-case token that makes the resource names unique.')
param resourceToken string

@description('Name of the app\'s user-assigned managed identity.')
param identityName string

@description('The app settings that configure the sign-out itself (see main.bicep); merged with the host settings below.')
param signOutSettings object

@description('Highest number of instances of the HTTP functions (and, separately, of each other trigger).')
param maximumInstanceCount int

@description('Concurrent HTTP requests one instance takes before the platform adds another.')
param httpPerInstanceConcurrency int

@description('Memory of each instance, in MB.')
param instanceMemoryMB int

@description('Object id of whoever deploys (azd\'s AZURE_PRINCIPAL_ID); empty: none. Gets write access to the deployment container only.')
param deployerPrincipalId string

@description('Turn on App Service Authentication (Microsoft Entra ID) in front of the functions.')
param enableAppServiceAuthentication bool

@description('Client id of the Entra app registration that callers request tokens for (when authentication is on).')
param authClientId string

@description('App role a caller must carry; set as REQUIRED_CALLER_ROLE only when authentication is on.')
param requiredCallerRole string

var functionAppName = 'func-avd-signout-${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'
// The queue and table the asynchronous sign-out uses. The app creates them too when they are
// missing; creating them here means the first request does not pay for it, and the queue trigger
// listens from the start.
var jobQueueName = 'avd-signout-jobs'
var operationTableName = 'avdSignoutOperations'

// Storage data roles, least that the Functions host and the app need:
// Storage Blob Data Owner (the host's leases and the deployment package container)
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Storage Queue Data Contributor (the job queue and its poison queue)
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// Storage Table Data Contributor (the operation store)
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// Storage Blob Data Contributor (the deployer, on the deployment container only: the predeploy hook's probe)
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Monitoring Metrics Publisher (Application Insights ingestion with Entra ID, local auth off)
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take('stavdsignout${resourceToken}', 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    // Identity only: no account keys, no SAS signed with them, no anonymous blobs.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource jobQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: jobQueueName
}

// The Functions host moves a message here after its fifth failed attempt (maxDequeueCount) and
// creates this queue when it first does; created here so that userSignoutJobPoison, which listens
// on it, has a queue to poll from the start.
resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${jobQueueName}-poison'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource operationTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: operationTableName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-avd-signout-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
    features: {
      disableLocalAuth: true
    }
  }
}

// The app writes one JSON line per request ("userSignout.summary") and one per failure
// ("userSignout.failure"); the Functions host stores them as text in AppTraces. These workspace
// functions turn their fields into columns: `AvdSignoutSummaries | summarize count() by status`.
// (docs/observability.md has the queries.)
resource summariesFunction 'Microsoft.OperationalInsights/workspaces/savedSearches@2020-08-01' = {
  parent: workspace
  name: 'avd-signout-summaries'
  properties: {
    category: 'avd-user-signout'
    displayName: 'AVD sign-out: one row per request'
    functionAlias: 'AvdSignoutSummaries'
    version: 2
    query: loadTextContent('../../docs/kusto/AvdSignoutSummaries.kql')
  }
}

resource failuresFunction 'Microsoft.OperationalInsights/workspaces/savedSearches@2020-08-01' = {
  parent: workspace
  name: 'avd-signout-failures'
  properties: {
    category: 'avd-user-signout'
    displayName: 'AVD sign-out: one row per failure'
    functionAlias: 'AvdSignoutFailures'
    version: 2
    query: loadTextContent('../../docs/kusto/AvdSignoutFailures.kql')
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-avd-signout-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    // Telemetry only with an Entra token (the app's identity, Monitoring Metrics Publisher).
    DisableLocalAuth: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-avd-signout-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      // Group commit: concurrent sign-outs on one instance share one scan of the tenant (one
      // listing per subscription and host pool serves every request waiting for it), so a storm
      // of requests costs about one tenant scan per instance and stays inside ARM's
      // per-subscription read budget. Scaling out splits the storm and multiplies the scans. So:
      // a high per-instance HTTP concurrency (the app's work is I/O wait on ARM, not CPU), which
      // keeps the platform from adding instances early, and a small instance ceiling for the
      // HTTP group. The ceiling applies per scale group: the queue consumer scales on its own.
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Deployments use the deployer's Entra token (azd, the Functions action); no publishing passwords.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: { allow: false }
}

// One literal object, so every name is visible in the compiled template (the settings test reads
// them there). Values that do not apply are empty, which the app reads as "not set".
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    AVD_SUBSCRIPTION_IDS: signOutSettings.AVD_SUBSCRIPTION_IDS
    AZURE_CLOUD: signOutSettings.AZURE_CLOUD
    AZURE_RESOURCE_MANAGER_ENDPOINT: signOutSettings.AZURE_RESOURCE_MANAGER_ENDPOINT
    AZURE_RESOURCE_MANAGER_AUDIENCE: signOutSettings.AZURE_RESOURCE_MANAGER_AUDIENCE
    AZURE_CLIENT_ID: identity.properties.clientId
    AVD_DEADLINE_SECONDS: signOutSettings.AVD_DEADLINE_SECONDS
    AVD_SERVER_SIDE_FILTER: signOutSettings.AVD_SERVER_SIDE_FILTER
    AVD_SCAN_GATHER_MS: signOutSettings.AVD_SCAN_GATHER_MS
    AVD_ARM_READ_BURST: signOutSettings.AVD_ARM_READ_BURST
    AVD_ARM_READS_PER_SECOND: signOutSettings.AVD_ARM_READS_PER_SECOND
    AVD_ARM_DELETE_BURST: signOutSettings.AVD_ARM_DELETE_BURST
    AVD_ARM_DELETES_PER_SECOND: signOutSettings.AVD_ARM_DELETES_PER_SECOND
    AVD_ARM_WRITE_BURST: signOutSettings.AVD_ARM_WRITE_BURST
    AVD_ARM_WRITES_PER_SECOND: signOutSettings.AVD_ARM_WRITES_PER_SECOND
    AVD_ARM_MAX_SOCKETS: signOutSettings.AVD_ARM_MAX_SOCKETS
    AVD_OPERATION_RETENTION_DAYS: signOutSettings.AVD_OPERATION_RETENTION_DAYS
    AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS: signOutSettings.AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS
    AVD_JOB_DEADLINE_SECONDS: signOutSettings.AVD_JOB_DEADLINE_SECONDS
    AVD_JOB_MESSAGE_TIMEOUT_SECONDS: signOutSettings.AVD_JOB_MESSAGE_TIMEOUT_SECONDS
    AVD_PROTECTED_USERS: signOutSettings.AVD_PROTECTED_USERS
    AVD_VERIFY_WINDOW_SECONDS: signOutSettings.AVD_VERIFY_WINDOW_SECONDS
    // Without authentication the app cannot trust a caller's roles and would answer 500.
    REQUIRED_CALLER_ROLE: enableAppServiceAuthentication ? requiredCallerRole : ''
    // The Functions host's own storage, reached with the identity (shared keys are off).
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  }
  dependsOn: [
    blobDataOwner
    queueDataContributor
    tableDataContributor
    metricsPublisher
  ]
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (enableAppServiceAuthentication) {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    // Validate a token whenever one is sent and pass the caller on (x-ms-client-principal), but let
    // requests without one reach the app: Power Automate polls a 202's Location without
    // credentials, connectors and the OpenAPI import send only the function key. The app decides
    // per route — the sign-out checks REQUIRED_CALLER_ROLE (403 without it), the status URL its
    // own token, the OpenAPI document the function key.
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${authClientId}'
            authClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
    httpSettings: {
      requireHttps: true
    }
  }
}

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageQueueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, identity.id, monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Lets the predeploy hook (scripts/waitForDeployAccess.sh) write and delete a probe blob in the
// deployment container: when that succeeds, the data-plane role assignments this deployment made on
// the account have taken effect (they propagate together, minutes after ARM reports them created).
// Named from the principal, in the app's resource group: deleted with it.
resource deployerProbe 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  scope: deploymentContainer
  name: guid(deploymentContainer.id, deployerPrincipalId, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: deployerPrincipalId
  }
  // After the identity's own storage roles, so the probe succeeding says they had time to propagate too.
  dependsOn: [
    blobDataOwner
    queueDataContributor
    tableDataContributor
  ]
}

output functionAppName string = functionApp.name
output functionAppHostName string = functionApp.properties.defaultHostName
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output identityResourceId string = identity.id
output storageAccountName string = storage.name
output applicationInsightsName string = appInsights.name
output jobQueueName string = jobQueue.name
output poisonQueueName string = poisonQueue.name
output operationTableName string = operationTable.name
output deploymentContainerName string = deploymentContainer.name
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
