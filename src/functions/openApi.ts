import { app } from "@azure/functions";
import { createOpenApiHandler } from "../http/openApiHandler";
import { loadInstanceRuntime } from "../http/instanceRuntime";

app.http("openApi", {
  methods: ["GET"],
  route: "openapi.json",
  // Like the sign-out itself: the v4 default is anonymous, and the document describes this deployment.
  authLevel: "function",
  handler: createOpenApiHandler({ loadRuntime: loadInstanceRuntime }),
});
