import { z } from "zod";

/** Every non-report response; described in zod so that the OpenAPI document is derived from it. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    operationId: z.string(),
    details: z
      .array(
        z.object({
          field: z.string().meta({ description: 'Dotted path of the field, or "" for the body itself.' }),
          code: z.string(),
          message: z.string(),
        }),
      )
      .optional(),
    setting: z.string().optional().meta({ description: "The app setting to fix (ConfigurationError only)." }),
  }),
});

export type ErrorBody = z.output<typeof errorBodySchema>;
