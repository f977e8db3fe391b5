// One AVD subscription: lets the app's identity list host pools and sessions and log off,
// disconnect and message user sessions there — nothing else. Subscription scope, because the app
// lists host pools per subscription.
targetScope = 'subscription'

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param principalId string

@description('The roles to assign: the custom role\'s definition id (from avdSessionRole.bicep), or the built-in pair.')
param roleDefinitionIds array

// Named from the principal: these assignments live outside the app's resource group and outlive
// `azd down`. A redeployment creates a new identity under the same resource id; a name derived from
// that id would point the old (orphaned) assignment's name at a new principal, which ARM refuses
// (RoleAssignmentUpdateNotPermitted). With the principal id in the name, the new identity gets new
// assignments and the old ones stay until removed (docs/deploying.md says how).
resource sessionOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleDefinitionId in roleDefinitionIds: {
    name: guid(subscription().id, principalId, roleDefinitionId)
    properties: {
      roleDefinitionId: roleDefinitionId
      principalId: principalId
      principalType: 'ServicePrincipal'
      description: 'avd-user-signout: sign users out of AVD sessions in this subscription.'
    }
  }
]

output roleAssignmentIds array = [for (roleDefinitionId, index) in roleDefinitionIds: sessionOperator[index].id]
