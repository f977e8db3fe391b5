// One AVD subscription: lets the app's identity list host pools and sessions and log off,
// disconnect and message user sessions there — nothing else. Subscription scope, because the app
// lists host pools per subscription.
targetScope = 'subscription'

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param principalId string

@description('Resource id of that identity; it names the role and the assignment, so a redeployment finds the same ones.')
param identityResourceId string

@allowed([
  'leastPrivilege'
  'userSessionOperator'
])
@description('leastPrivilege: a custom role holding only the actions the app calls; userSessionOperator: the built-in Desktop Virtualization User Session Operator.')
param sessionRole string

// Desktop Virtualization User Session Operator
var desktopVirtualizationUserSessionOperator = 'ea4bfff8-7fb4-485a-aadd-d4129a0ffaa6'
var useCustomRole = sessionRole == 'leastPrivilege'
// Stable per subscription and identity: a redeployment updates the same definition.
var customRoleName = guid(subscription().id, identityResourceId, 'avd-user-signout-session-role')
var roleDefinitionId = useCustomRole
  ? subscriptionResourceId('Microsoft.Authorization/roleDefinitions', customRoleName)
  : subscriptionResourceId('Microsoft.Authorization/roleDefinitions', desktopVirtualizationUserSessionOperator)

// The built-in operator also grants Microsoft.Resources/deployments/*, Microsoft.Support/* and
// Microsoft.Insights/alertRules/*; this role holds exactly the actions of the app's ARM calls, as
// the provider's operations list spells them (Microsoft Learn, "Azure permissions for Compute",
// Microsoft.DesktopVirtualization). test/unit/infra/avdRoleActions.test.ts derives the calls from
// src/lib/azure and fails when this list lacks one or holds one no call needs.
resource signOutRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (useCustomRole) {
  name: customRoleName
  properties: {
    // Role names are unique in a tenant: one per identity and subscription.
    roleName: 'AVD user sign-out: ${last(split(identityResourceId, '/'))} in ${subscription().subscriptionId}'
    description: 'avd-user-signout: list host pools, session hosts and user sessions; log off, disconnect and message user sessions.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          // GET …/providers/Microsoft.DesktopVirtualization/hostPools ("Read hostpools")
          'Microsoft.DesktopVirtualization/hostpools/read'
          // GET …/hostPools/{hostPool}/userSessions ("Read usersessions"); it lists session-host
          // user sessions ("Read hostpools/sessionhosts/usersessions"), and which of the two the
          // provider checks is not published — the built-in operator holds only the second.
          'Microsoft.DesktopVirtualization/hostpools/usersessions/read'
          'Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/read'
          // GET …/hostPools/{hostPool}/sessionHosts ("Read hostpools/sessionhosts"): only when a session stayed,
          // to report its host's status (sessionHostStatus)
          'Microsoft.DesktopVirtualization/hostpools/sessionhosts/read'
          // DELETE …/sessionHosts/{sessionHost}/userSessions/{id}?force=true ("Delete hostpools/sessionhosts/usersessions")
          'Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/delete'
          // POST …/userSessions/{id}/disconnect ("Disconnects the user session form session host")
          'Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/disconnect/action'
          // POST …/userSessions/{id}/sendMessage ("Send message to user session")
          'Microsoft.DesktopVirtualization/hostpools/sessionhosts/usersessions/sendMessage/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      subscription().id
    ]
  }
}

resource sessionOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  // A new name per role: an assignment's role cannot be changed in place.
  name: guid(subscription().id, identityResourceId, useCustomRole ? customRoleName : desktopVirtualizationUserSessionOperator)
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'avd-user-signout: sign users out of AVD sessions in this subscription.'
  }
  dependsOn: [
    signOutRole
  ]
}

output roleAssignmentId string = sessionOperator.id
output roleDefinitionId string = roleDefinitionId
