/** `logoff` ends the session; `disconnect` drops the connection and leaves the session running. */
export const signOutModes = ["logoff", "disconnect"] as const;
export type SignOutMode = (typeof signOutModes)[number];
