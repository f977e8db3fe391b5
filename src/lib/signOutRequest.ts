import { z } from "zod";
import { userPrincipalNameSchema } from "./userPrincipalName";

export const signOutRequestSchema = z.strictObject(
  {
    userPrincipalName: userPrincipalNameSchema,
    dryRun: z.boolean({ error: "must be true or false" }).optional().default(false),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? undefined : "the body must be a JSON object") },
);

export type SignOutRequest = z.output<typeof signOutRequestSchema>;
