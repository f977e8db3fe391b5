import { secondsToMs } from "../base/duration";
import { z } from "zod";
import { orderLimits } from "../engine/orderLimits";
import { signOutModes } from "../engine/signOutMode";
import { guidPattern, guidPatternSource } from "../base/guid";
import { isPlainObject } from "../base/isPlainObject";
import { parseHostPoolSelector } from "../engine/hostPoolSelector";
import { userPrincipalNameSchema } from "../base/userPrincipalName";
import { userObjectIdSchema } from "../base/objectId";
import { dedupeUsers } from "../engine/requestedUser";

/** The limits of a request are the limits of an order: the engine and the job store rely on them too. */
export const requestLimits = orderLimits;

/**
 * The wait happens inside the request, so it must leave the rest of the work time before the
 * deadline: at most 60 s and at most AVD_DEADLINE_SECONDS − 30 (60 s at the default 90 s).
 */
export function maxGracePeriodSecondsFor(deadlineMs: number): number {
  const left = Math.floor(deadlineMs / secondsToMs(1)) - requestLimits.gracePeriodReserveSeconds;
  return Math.max(0, Math.min(requestLimits.maxGracePeriodSeconds, left));
}

function anyCase(word: string): string {
  return word.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).replaceAll(".", "\\.");
}
const hostPoolName = "[A-Za-z0-9_.()-]{1,64}";
// Segment names match in any case, as ARM writes them in several; written out so that the OpenAPI
// document carries the same pattern (JSON Schema patterns have no flags).
const hostPoolId = [
  "",
  anyCase("subscriptions"),
  guidPatternSource,
  anyCase("resourceGroups"),
  "[^/\\s?#]{1,90}",
  anyCase("providers"),
  anyCase("Microsoft.DesktopVirtualization"),
  anyCase("hostPools"),
  hostPoolName,
].join("/");
const hostPoolSelectorPattern = new RegExp(`^(?:${hostPoolName}|${hostPoolId})$`);
/** The longest host pool resource id: 8 slashes, the segment names (76), a GUID (36), a resource group (90), a name (64). */
const maxHostPoolSelectorLength = 274;

// Free text reaches logs and message boxes: no control characters (C0, DEL, C1), and none of the
// bidirectional controls that make a log line or a message read other than it is stored.
const bidiControls = "\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069";
/** One line: line and paragraph separators are line breaks too. */
const singleLineForbidden = `\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029${bidiControls}`;
/** Tab, line feed and carriage return allowed. */
const multiLineForbidden = `\\x00-\\x08\\v\\f\\x0e-\\x1f\\x7f-\\x9f${bidiControls}`;

/**
 * Something visible and nothing forbidden: allowed blanks, one visible character, then anything
 * allowed. The first two parts never match the same character and the last runs to the end, so the
 * pattern takes time linear in the value (a lint rule and a unit test hold every pattern to that).
 */
function visibleTextPattern(forbidden: string): RegExp {
  return new RegExp(`^[^\\S${forbidden}]*[^\\s${forbidden}][^${forbidden}]*$`);
}
const singleLineText = visibleTextPattern(singleLineForbidden);
const multiLineText = visibleTextPattern(multiLineForbidden);

// The length is checked first and stops the rest: no pattern ever runs on an over-long value.
const text = (maxLength: number, pattern: RegExp, shape: string) =>
  z
    .string({ error: "must be a string" })
    .min(1, { error: "must not be empty", abort: true })
    .max(maxLength, { error: `must be at most ${maxLength} characters`, abort: true })
    .regex(pattern, { error: `must be ${shape}` });

const oneLine = "one line of text without control or bidirectional characters";

const userPrincipalNamesSchema = (maxUsers: number, hint: string) =>
  z
    .array(userPrincipalNameSchema, { error: "must be an array of user principal names" })
    .min(1, { error: "must name at least one user" })
    .max(maxUsers, { error: `must name at most ${maxUsers} users${hint}` })
    // Case-insensitively, as sessions are matched (the users' one rule); the first spelling given is kept.
    .transform((upns) =>
      dedupeUsers(upns.map((userPrincipalName) => ({ userPrincipalName }))).flatMap(
        (user) => user.userPrincipalName ?? [],
      ),
    )
    .meta({
      title: "User principal names",
      description: `1 to ${maxUsers} users to sign out (instead of userPrincipalName); duplicates in any case count once.`,
    });

const requestedUserSchema = z
  .strictObject(
    {
      userPrincipalName: userPrincipalNameSchema.optional().meta({
        title: "User principal name",
        description: "The user's UPN, e.g. alice@contoso.com.",
      }),
      objectId: userObjectIdSchema.optional().meta({
        title: "Object id",
        description:
          "The user's Entra object id (a GUID, not all zeros): finds the account's sessions under any UPN and keeps another account's session under the same UPN untouched.",
      }),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys" ? undefined : "must be an object with userPrincipalName and/or objectId",
    },
  )
  .check((ctx) => {
    if (ctx.value.userPrincipalName === undefined && ctx.value.objectId === undefined) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: "must name the user by userPrincipalName, objectId, or both",
      });
    }
  })
  .meta({ title: "User", description: "One user: by UPN, object id, or both." });

const usersSchema = (maxUsers: number, hint: string) =>
  z
    .array(requestedUserSchema, { error: "must be an array of users" })
    .min(1, { error: "must name at least one user" })
    .max(maxUsers, { error: `must name at most ${maxUsers} users${hint}` })
    // The same keys in any case count once; the first spelling given is kept.
    .transform((users) => dedupeUsers(users))
    .meta({
      title: "Users",
      description: `1 to ${maxUsers} users to sign out, each by userPrincipalName, objectId or both (instead of userPrincipalName or userPrincipalNames); the same user given twice counts once.`,
    });

const notifySchema = z
  .strictObject(
    {
      title: text(requestLimits.maxNotifyTitleLength, singleLineText, oneLine).meta({
        title: "Message title",
        description: "Title of the message shown in the user's session.",
      }),
      message: text(
        requestLimits.maxNotifyMessageLength,
        multiLineText,
        "text without control or bidirectional characters",
      ).meta({
        title: "Message text",
        description: "Text of the message shown in the user's session.",
      }),
    },
    { error: (issue) => (issue.code === "unrecognized_keys" ? undefined : "must be an object with title and message") },
  )
  .meta({
    title: "Notify first",
    description:
      "Sends this message to every matching Active session before acting; other states cannot show it and are reported as not notified. A dry run sends nothing.",
  });

export interface SignOutRequestContext {
  /** From the deadline: see `maxGracePeriodSecondsFor`. */
  readonly maxGracePeriodSeconds: number;
  /** AVD_SUBSCRIPTION_IDS; when given, requested subscriptions must be among them. */
  readonly configuredSubscriptionIds?: readonly string[];
  /** Asynchronous requests: up to `maxAsyncUsers` users and a longer grace period. */
  readonly async?: boolean;
}

/**
 * The request body. Built per configuration because two limits depend on it (the grace period's
 * maximum and the subscriptions a caller may name); the OpenAPI document is derived from the same
 * schema, so the two cannot drift.
 */
export function createSignOutRequestSchema(context: SignOutRequestContext) {
  const configured = context.configuredSubscriptionIds?.map((id) => id.toLowerCase());
  const subscriptionIdsSchema = z
    .array(
      z
        .string({ error: "must be a string" })
        .max(36, { error: "must be a subscription id (GUID)", abort: true })
        .regex(guidPattern, { error: "must be a subscription id (GUID)" }),
      { error: "must be an array of subscription ids" },
    )
    .min(1, { error: "must name at least one subscription" })
    .max(requestLimits.maxSubscriptionIds, {
      error: `must name at most ${requestLimits.maxSubscriptionIds} subscriptions`,
    })
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))])
    .check((ctx) => {
      if (configured === undefined) return;
      const unknown = ctx.value.filter((id) => !configured.includes(id));
      if (unknown.length > 0) {
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          message: `may only narrow AVD_SUBSCRIPTION_IDS; not configured: ${unknown.join(", ")}`,
        });
      }
    })
    .meta({
      title: "Subscriptions",
      description: "Search only these subscriptions; each must be one the function is configured for.",
    });

  return z
    .strictObject(
      {
        userPrincipalName: userPrincipalNameSchema.optional().meta({
          title: "User principal name",
          description:
            "The user to sign out, e.g. alice@contoso.com. Give this, userObjectId (or both), userPrincipalNames or users.",
        }),
        userObjectId: userObjectIdSchema.optional().meta({
          title: "User object id",
          description:
            "The user's Entra object id (a GUID, not all zeros), beside or instead of userPrincipalName: finds sessions opened under an old UPN, and leaves another account's session under the same UPN untouched (outcome otherAccount).",
        }),
        userPrincipalNames: (context.async === true
          ? userPrincipalNamesSchema(requestLimits.maxAsyncUsers, "")
          : userPrincipalNamesSchema(
              requestLimits.maxUsers,
              ` (up to ${requestLimits.maxAsyncUsers} in an asynchronous request: Prefer: respond-async)`,
            )
        ).optional(),
        users: (context.async === true
          ? usersSchema(requestLimits.maxAsyncUsers, "")
          : usersSchema(
              requestLimits.maxUsers,
              ` (up to ${requestLimits.maxAsyncUsers} in an asynchronous request: Prefer: respond-async)`,
            )
        ).optional(),
        async: z.boolean({ error: "must be true or false" }).optional().meta({
          title: "Asynchronous",
          description:
            "true: answer 202 at once with a status URL (Location) and do the work in the background, as Prefer: respond-async does.",
        }),
        dryRun: z
          .boolean({ error: "must be true or false" })
          .optional()
          .default(false)
          .meta({ title: "Dry run", description: "Only report what would be done; change nothing, send nothing." }),
        mode: z
          .enum(signOutModes, { error: `must be one of ${signOutModes.join(", ")}` })
          .optional()
          .meta({
            default: "logoff",
            title: "Mode",
            description:
              "logoff (default): forced log off. disconnect: ends the connection and keeps the session and its apps.",
          }),
        notify: notifySchema.optional(),
        verify: z.boolean({ error: "must be true or false" }).optional().meta({
          title: "Verify",
          description:
            "List again after acting and confirm each session is gone (or disconnected), waiting up to AVD_VERIFY_WINDOW_SECONDS for the service to catch up; a session still listed then is stillPresent and the request fails (502), so a retry acts again. Default: true for asynchronous requests, false for synchronous ones (it costs a round trip).",
        }),
        gracePeriodSeconds: z
          .number({ error: "must be a number of seconds" })
          .int({ error: "must be a whole number of seconds" })
          .min(0, { error: "must be at least 0" })
          .max(context.maxGracePeriodSeconds, {
            error:
              context.async === true
                ? `must be at most ${context.maxGracePeriodSeconds} (AVD_ASYNC_MAX_GRACE_PERIOD_SECONDS)`
                : `must be at most ${context.maxGracePeriodSeconds} (it must fit inside the request deadline; ask for an asynchronous call for longer ones)`,
          })
          .optional()
          .meta({
            default: 0,
            title: "Grace period (seconds)",
            description: `Seconds to wait between the message and the action; needs notify. At most ${context.maxGracePeriodSeconds}.`,
          }),
        subscriptionIds: subscriptionIdsSchema.optional(),
        hostPools: z
          .array(
            z
              .string({ error: "must be a string" })
              .max(maxHostPoolSelectorLength, {
                error: "must be a host pool name or a host pool resource id",
                abort: true,
              })
              .regex(hostPoolSelectorPattern, { error: "must be a host pool name or a host pool resource id" }),
            { error: "must be an array of host pool names or resource ids" },
          )
          .min(1, { error: "must name at least one host pool" })
          .max(requestLimits.maxHostPools, { error: `must name at most ${requestLimits.maxHostPools} host pools` })
          .optional()
          .meta({
            title: "Host pools",
            description:
              "Search only these host pools: names (matched in every subscription in scope) or full resource ids.",
          }),
        requestedBy: text(requestLimits.maxRequestedByLength, singleLineText, oneLine)
          .optional()
          .meta({ title: "Requested by", description: "Who asked for this, for the audit trail." }),
        reason: text(requestLimits.maxReasonLength, singleLineText, oneLine)
          .optional()
          .meta({ title: "Reason", description: "Why, e.g. a ticket number, for the audit trail." }),
      },
      { error: (issue) => (issue.code === "unrecognized_keys" ? undefined : "the body must be a JSON object") },
    )
    .superRefine(
      (body, ctx) => {
        // Runs even when fields have problems, so a missing user is named next to a misspelt field.
        const single = body.userPrincipalName !== undefined || body.userObjectId !== undefined;
        if (!single && body.userPrincipalNames === undefined && body.users === undefined) {
          ctx.addIssue({
            code: "invalid_type",
            expected: "string",
            path: ["userPrincipalName"],
            input: undefined,
            message: "is required (or userObjectId, userPrincipalNames or users)",
          });
        } else if (single && body.userPrincipalNames !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["userPrincipalNames"],
            input: body.userPrincipalNames,
            message: "must not be given together with userPrincipalName or userObjectId; give one user or a list",
          });
        } else if (single && body.users !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["users"],
            input: body.users,
            message: "must not be given together with userPrincipalName or userObjectId; give one user or a list",
          });
        } else if (body.userPrincipalNames !== undefined && body.users !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["users"],
            input: body.users,
            message: "must not be given together with userPrincipalNames; give one of the two",
          });
        }
        if (typeof body.gracePeriodSeconds === "number" && body.gracePeriodSeconds > 0 && body.notify === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["gracePeriodSeconds"],
            input: body.gracePeriodSeconds,
            message: "needs notify: without a message there is nothing to wait for",
          });
        }
      },
      { when: (payload) => isPlainObject(payload.value) },
    )
    .check((ctx) => {
      const body = ctx.value;
      const scope = body.subscriptionIds ?? configured;
      if (scope === undefined || body.hostPools === undefined) return;
      const outside = body.hostPools
        .map(parseHostPoolSelector)
        .filter((selector) => selector.kind === "id" && !scope.includes(selector.ref.subscriptionId.toLowerCase()))
        .map((selector) => selector.text);
      if (outside.length > 0) {
        ctx.issues.push({
          code: "custom",
          path: ["hostPools"],
          input: body.hostPools,
          message: `names host pools outside the subscriptions in scope: ${outside.join(", ")}`,
        });
      }
    });
}

/** Without configuration: the limits at the default deadline and no subscription check. */
export const signOutRequestSchema = createSignOutRequestSchema({
  maxGracePeriodSeconds: maxGracePeriodSecondsFor(90_000),
});

export type SignOutRequest = z.output<ReturnType<typeof createSignOutRequestSchema>>;
