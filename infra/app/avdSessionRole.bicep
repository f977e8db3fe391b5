// One AVD subscription's custom role: exactly the Microsoft.DesktopVirtualization actions the
// app's ARM calls need. Its own deployment, which the assignments' deployment waits for (main.bicep),
// so an assignment is never sent in the same deployment as the definition it names ("role
// definition does not exist" while the new definition propagates).
targetScope = 'subscription'

@description('Resource id of the app\'s identity; it names the role, so a redeployment updates the same definition.')
param identityResourceId string

// Stable per subscription and identity resource id: a redeployment (after `azd down` too) updates
// the same definition instead of adding one. A definition is not bound to a principal, so reusing
// its name for a new identity is allowed, unlike an assignment's.
var customRoleName = guid(subscription().id, identityResourceId, 'avd-user-signout-session-role')

// The built-in operator also grants Microsoft.Resources/deployments/*, Microsoft.Support/* and
// Microsoft.Insights/alertRules/*; this role holds exactly the actions of the app's ARM calls, as
// the provider's operations list spells them (Microsoft Learn, "Azure permissions for Compute",
// Microsoft.DesktopVirtualization). test/unit/infra/avdRoleActions.test.ts derives the calls from
// src/lib/azure and fails when this list lacks one or holds one no call needs.
resource signOutRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: customRoleName
  properties: {
    // Role names are unique in a tenant: one per identity and subscription.
    roleName: 'AVD user sign-out: ${last(split(identityResourceId, '/'))} in ${subscription().subscriptionId}'
    description: 'avd-user-signout: list host pools and user sessions; log off, disconnect and message user sessions.'
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

output roleDefinitionId string = signOutRole.id
