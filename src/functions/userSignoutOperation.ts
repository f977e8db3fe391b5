import { app } from "@azure/functions";
import { loadInstanceRuntime } from "../lib/app/instanceRuntime";
import { createOperationStatusHandler } from "../lib/http/operationStatusHandler";
import { operationStatusRoute } from "../lib/http/statusUrl";

app.http("userSignoutOperation", {
  methods: ["GET"],
  route: operationStatusRoute,
  // Anonymous on purpose: Logic Apps and Power Automate poll the Location URL as given and do not
  // resend a function key. The handler checks the URL's own credential instead — a random 256-bit
  // token for this one operation, stored only as a hash, expiring with the record — and answers
  // 404 alike for an unknown id, a wrong token and an expired record.
  authLevel: "anonymous",
  handler: createOperationStatusHandler(loadInstanceRuntime),
});
