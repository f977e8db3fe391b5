import { app } from "@azure/functions";
import { createUserSignoutHandler } from "../http/userSignoutHandler";
import { loadInstanceRuntime } from "../http/instanceRuntime";

app.http("userSignout", {
  methods: ["POST"],
  route: "avd/user-signout",
  // The v4 default is anonymous; every caller must present a function key.
  authLevel: "function",
  handler: createUserSignoutHandler({ loadRuntime: loadInstanceRuntime }),
});
