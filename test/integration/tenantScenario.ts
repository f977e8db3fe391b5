import type { Scenario } from "../../emulator/scenario";

export const subscriptionA = "11111111-1111-4111-8111-111111111111";
export const subscriptionB = "22222222-2222-4222-8222-222222222222";
export const subscriptionForbidden = "33333333-3333-4333-8333-333333333333";

/**
 * Two subscriptions, four host pools. alice@contoso.com holds four sessions in three pools and
 * three states, one stored in another case; around her sit other users and a look-alike UPN.
 * With `paged`, host pools come one per page and HP-Alpha's sessions two per page.
 */
export function tenantScenario(options: { paged?: boolean } = {}): Scenario {
  const paged = options.paged ?? true;
  return {
    subscriptions: [
      {
        id: subscriptionA,
        ...(paged ? { hostPoolPageSize: 1 } : {}),
        hostPools: [
          {
            name: "HP-Alpha",
            resourceGroup: "RG-Avd-West",
            ...(paged ? { sessionPageSize: 2 } : {}),
            sessionHosts: [
              {
                name: "host-a1.contoso.com",
                sessions: [
                  { id: "1", userPrincipalName: "alice@contoso.com", sessionState: "Active" },
                  { id: "2", userPrincipalName: "bob@contoso.com", sessionState: "Active" },
                ],
              },
              {
                name: "Host-A2.Contoso.com",
                sessions: [
                  { id: "3", userPrincipalName: "alice@contoso.com", sessionState: "Disconnected" },
                  { id: "4", userPrincipalName: "carol@contoso.com", sessionState: "Active" },
                ],
              },
            ],
          },
          {
            name: "HP-Beta",
            resourceGroup: "rg-avd-east",
            sessionHosts: [
              {
                name: "host-b1.contoso.com",
                sessions: [
                  { id: "1", userPrincipalName: "Alice@Contoso.com", sessionState: "Active" },
                  { id: "2", userPrincipalName: "alice@contoso.com.evil.example", sessionState: "Active" },
                  { id: "3", userPrincipalName: "o'brien@contoso.com", sessionState: "Active" },
                ],
              },
            ],
          },
        ],
      },
      {
        id: subscriptionB,
        hostPools: [
          {
            name: "HP-Gamma",
            resourceGroup: "RG-Shared",
            sessionHosts: [
              {
                name: "host-g1.corp.contoso.com",
                sessions: [
                  { id: "7", userPrincipalName: "alice@contoso.com", sessionState: "Pending" },
                  { id: "8", userPrincipalName: "dave@contoso.com", sessionState: "Disconnected" },
                ],
              },
            ],
          },
          {
            name: "HP-Delta",
            resourceGroup: "RG-Shared",
            sessionHosts: [
              {
                name: "host-d1.contoso.com",
                sessions: [{ id: "1", userPrincipalName: "bob@contoso.com", sessionState: "Active" }],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The tenant plus a subscription the identity may not read (403 on every call). */
export function tenantWithForbiddenSubscription(): Scenario {
  const scenario = tenantScenario();
  return { ...scenario, subscriptions: [...scenario.subscriptions, { id: subscriptionForbidden, forbidden: true }] };
}

/** What the emulator should still hold once alice is signed out, in the harness's `remaining()` form. */
export const everyoneButAlice = [
  "11111111/HP-Alpha/Host-A2.Contoso.com/4 carol@contoso.com",
  "11111111/HP-Alpha/host-a1.contoso.com/2 bob@contoso.com",
  "11111111/HP-Beta/host-b1.contoso.com/2 alice@contoso.com.evil.example",
  "11111111/HP-Beta/host-b1.contoso.com/3 o'brien@contoso.com",
  "22222222/HP-Delta/host-d1.contoso.com/1 bob@contoso.com",
  "22222222/HP-Gamma/host-g1.corp.contoso.com/8 dave@contoso.com",
].sort();

export const aliceSessions = [
  "11111111/HP-Alpha/Host-A2.Contoso.com/3 alice@contoso.com",
  "11111111/HP-Alpha/host-a1.contoso.com/1 alice@contoso.com",
  "11111111/HP-Beta/host-b1.contoso.com/1 Alice@Contoso.com",
  "22222222/HP-Gamma/host-g1.corp.contoso.com/7 alice@contoso.com",
].sort();
