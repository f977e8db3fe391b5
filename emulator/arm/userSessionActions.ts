import { userSessionJson } from "../armResourceJson";
import type { EmulatorEngine } from "../emulatorEngine";
import { hostIsOff, type HostPoolRecord, type SessionHostRecord, type SessionRecord } from "../emulatorWorld";
import type { ArmOperation } from "../scenario";
import { armError, sessionNotFound, type ArmReply } from "./armReply";
import { queryValue, type ArmRequest } from "./armRequest";
import { removeSession, setSessionState } from "./listingLag";

export type UserSessionOperation = Extract<
  ArmOperation,
  "getUserSession" | "deleteUserSession" | "disconnectUserSession" | "sendMessage"
>;

/** The operations on one user session: read it, log it off, disconnect it, message it. */
export function runUserSessionOperation(
  engine: EmulatorEngine,
  context: ArmRequest,
  operation: UserSessionOperation,
  pool: HostPoolRecord,
  host: SessionHostRecord,
  sessionId: string | undefined,
): ArmReply {
  const index = host.sessions.findIndex((candidate) => candidate.id === sessionId);
  const session = host.sessions[index];
  if (session === undefined) {
    if (operation === "deleteUserSession" && engine.scenario.missingSessionDeleteStatus === 204) return { status: 204 };
    return sessionNotFound(context.activityId);
  }

  switch (operation) {
    case "getUserSession":
      return { status: 200, body: userSessionJson(pool, host, session) };
    case "deleteUserSession": {
      if (session.vanishesBeforeDelete !== undefined) {
        removeSession(host, index, engine.now(), engine.scenario.listingLagMs);
        return session.vanishesBeforeDelete === 204 ? { status: 204 } : sessionNotFound(context.activityId);
      }
      const force = queryValue(context.url, "force")?.toLowerCase() === "true";
      // Emulator assumption: logging off an active session needs force=true, so code that forgets it is caught.
      if (session.sessionState === "Active" && !force) {
        return armError(
          400,
          "ActiveSessionLogoffRequiresForce",
          `User session '${session.id}' on session host '${host.name}' is active; set force=true to log the user off.`,
        );
      }
      // Recorded live: 204 with no body for a session that was there (and, when stuck, kept).
      if (!session.stuck && !hostIsOff(host)) removeSession(host, index, engine.now(), engine.scenario.listingLagMs);
      return { status: engine.scenario.deleteStatus };
    }
    case "disconnectUserSession":
      if (!session.stuck && !hostIsOff(host))
        setSessionState(session, "Disconnected", engine.now(), engine.scenario.listingLagMs);
      return { status: 200 };
    case "sendMessage":
      return recordMessage(session, context.body, engine.now());
  }
}

function recordMessage(session: SessionRecord, body: string, atMs: number): ArmReply {
  let parsed: unknown = {};
  if (body.trim() !== "") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return armError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return armError(
      400,
      "InvalidRequestContent",
      "The request content must be a JSON object with messageTitle and messageBody.",
    );
  }
  const { messageTitle, messageBody } = parsed as Record<string, unknown>;
  session.messages.push({
    messageTitle: typeof messageTitle === "string" ? messageTitle : "",
    messageBody: typeof messageBody === "string" ? messageBody : "",
    atMs,
  });
  return { status: 200 };
}
