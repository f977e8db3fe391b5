// npm run connector:build: writes the connectors' API definitions from the same builder and
// zod schemas that serve /api/openapi.json. test/unit/connector checks the file is current.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { connectorDefinitionFile } from "../src/lib/http/connectorDefinition";
import { signOutRequestSchema } from "../src/lib/http/signOutRequest";

// connector/: the function key only. connector/entra/: for deployments that require a caller role
// (App Service Authentication on), an Entra sign-in plus the function key.
const connector = path.resolve(__dirname, "..", "..", "connector");
for (const [target, text] of [
  [path.join(connector, "apiDefinition.swagger.json"), connectorDefinitionFile(signOutRequestSchema)],
  [
    path.join(connector, "entra", "apiDefinition.swagger.json"),
    connectorDefinitionFile(signOutRequestSchema, { entraAuthentication: {} }),
  ],
] as const) {
  writeFileSync(target, text);
  console.log(`connector:build: wrote ${path.relative(process.cwd(), target)}`);
}
