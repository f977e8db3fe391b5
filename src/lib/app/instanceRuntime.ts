import { createRuntimeLoader } from "./createRuntimeLoader";

/**
 * The deployed app's composition root: one parsed configuration, one credential and one set of
 * ARM clients per warm instance, shared by every function the instance registers.
 */
export const loadInstanceRuntime = createRuntimeLoader({ environment: process.env });
