// npm run connector:build: writes connector/apiDefinition.swagger.json from the same builder and
// zod schemas that serve /api/openapi.json. test/unit/connector checks the file is current.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { connectorDefinitionFile } from "../src/lib/http/connectorDefinition";
import { signOutRequestSchema } from "../src/lib/http/signOutRequest";

const target = path.resolve(__dirname, "..", "..", "connector", "apiDefinition.swagger.json");
writeFileSync(target, connectorDefinitionFile(signOutRequestSchema));
console.log(`connector:build: wrote ${path.relative(process.cwd(), target)}`);
