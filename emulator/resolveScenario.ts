import { scenarioSchema, type ResolvedScenario } from "./scenario";

/** Validates a scenario (schema plus the uniqueness ARM would guarantee) and fills in defaults. */
export function resolveScenario(input: unknown): ResolvedScenario {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new Error(`Invalid emulator scenario:\n  ${details.join("\n  ")}`);
  }
  const scenario = parsed.data;
  const accountNames = new Set(scenario.accounts.map((account) => account.name));
  const unknownAccounts: string[] = [];
  const duplicates: string[] = [];
  const seen = new Set<string>();
  const claim = (key: string, label: string): void => {
    if (seen.has(key)) duplicates.push(label);
    seen.add(key);
  };
  for (const subscription of scenario.subscriptions) {
    claim(`s|${subscription.id.toLowerCase()}`, `subscription ${subscription.id}`);
    for (const pool of subscription.hostPools) {
      // Host pool names are unique per resource group; the pair is what a path names.
      const poolKey = `${subscription.id}|${pool.resourceGroup}|${pool.name}`.toLowerCase();
      claim(`p|${poolKey}`, `host pool ${pool.resourceGroup}/${pool.name}`);
      for (const host of pool.sessionHosts) {
        claim(`h|${poolKey}|${host.name.toLowerCase()}`, `session host ${pool.name}/${host.name}`);
        for (const session of host.sessions) {
          if (session.account !== undefined && !accountNames.has(session.account))
            unknownAccounts.push(session.account);
          if (session.account === undefined && session.userPrincipalName === undefined) {
            throw new Error(
              `Invalid emulator scenario: session ${pool.name}/${host.name}/${session.id} names neither a userPrincipalName nor an account`,
            );
          }
          claim(
            `u|${poolKey}|${host.name.toLowerCase()}|${session.id}`,
            `session ${pool.name}/${host.name}/${session.id}`,
          );
        }
      }
    }
  }
  for (const account of scenario.accounts) claim(`a|${account.name}`, `account ${account.name}`);
  if (unknownAccounts.length > 0) {
    throw new Error(`Invalid emulator scenario: sessions name unknown accounts ${unknownAccounts.join(", ")}`);
  }
  if (duplicates.length > 0) {
    throw new Error(`Invalid emulator scenario: duplicated ${duplicates.join(", ")}`);
  }
  return scenario;
}
