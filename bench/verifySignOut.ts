import type { RunningEmulator } from "../emulator/startEmulator";
import { sessionKey, type BenchTenant } from "./benchTenant";

/**
 * The answer a scenario must give before its time counts: none of the target user's sessions left
 * (whatever the case of the stored UPN), every other session exactly as it was.
 */
export function verifySignOut(emulator: RunningEmulator, tenant: BenchTenant): string[] {
  const remaining = emulator
    .sessions()
    .map((s) => sessionKey(s.subscriptionId, s.hostPool, s.sessionHost, s.sessionId, s.userPrincipalName))
    .sort();
  const problems: string[] = [];
  const targetLeft = emulator
    .sessions()
    .filter((s) => s.userPrincipalName.toLowerCase() === tenant.targetUser.toLowerCase());
  if (targetLeft.length > 0) problems.push(`${targetLeft.length} session(s) of ${tenant.targetUser} remain`);
  const expected = new Set(tenant.othersSessions);
  const actual = new Set(remaining.filter((key) => !key.toLowerCase().endsWith(` ${tenant.targetUser.toLowerCase()}`)));
  const missing = tenant.othersSessions.filter((key) => !actual.has(key));
  const extra = [...actual].filter((key) => !expected.has(key));
  if (missing.length > 0) problems.push(`${missing.length} other user session(s) were removed, e.g. ${missing[0]}`);
  if (extra.length > 0) problems.push(`${extra.length} unexpected session(s), e.g. ${extra[0]}`);
  return problems;
}
