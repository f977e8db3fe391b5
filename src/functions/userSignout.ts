import { app } from "@azure/functions";
import { createUserSignoutHandler } from "../lib/http/userSignoutHandler";
import { loadInstanceRuntime } from "../lib/app/instanceRuntime";

app.http("userSignout", {
  methods: ["POST"],
  route: "avd/user-signout",
  // The v4 default is anonymous; every caller must present a function key.
  authLevel: "function",
  handler: createUserSignoutHandler(loadInstanceRuntime),
});
