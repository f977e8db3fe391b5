// One AVD subscription: lets the app's identity list host pools and sessions and log off,
// disconnect and message user sessions there — nothing else. Subscription scope, because the app
// lists host pools per subscription.
targetScope = 'subscription'

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param principalId string

@description('Resource id of that identity; it names the assignment, so a redeployment finds the same one.')
param identityResourceId string

// Desktop Virtualization User Session Operator
var desktopVirtualizationUserSessionOperator = 'ea4bfff8-7fb4-485a-aadd-d4129a0ffaa6'

resource sessionOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, identityResourceId, desktopVirtualizationUserSessionOperator)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', desktopVirtualizationUserSessionOperator)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'avd-user-signout: sign users out of AVD sessions in this subscription.'
  }
}

output roleAssignmentId string = sessionOperator.id
