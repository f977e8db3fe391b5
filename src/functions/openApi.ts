import { app } from "@azure/functions";
import { createOpenApiHandler } from "../lib/http/openApiHandler";
import { loadInstanceRuntime } from "../lib/app/instanceRuntime";

app.http("openApi", {
  methods: ["GET"],
  route: "openapi.json",
  // Like the sign-out itself: the v4 default is anonymous, and the document describes this deployment.
  authLevel: "function",
  handler: createOpenApiHandler(loadInstanceRuntime),
});
