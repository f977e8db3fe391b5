// The report's one home, and its one door for the code that builds on it (jobs/): the types (from
// the zod schemas the OpenAPI document uses), the session key, the one sort, the one status rule,
// the counts, which sessions are whose, and the merges the asynchronous path puts a report
// together with.
export * from "./signOutReport";
export * from "./sessionKey";
export * from "./reportStatus";
export * from "./buildReport";
export * from "./mergeReports";
export { signOutModes, type SignOutMode } from "../signOutMode";
