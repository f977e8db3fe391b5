import { readFileSync } from "node:fs";
import path from "node:path";

export const repositoryRoot = path.resolve(__dirname, "..", "..", "..", "..");

export interface ArmResource {
  readonly type: string;
  readonly name: string;
  readonly properties?: Record<string, unknown> & { template?: ArmTemplate };
  readonly copy?: { name: string; count: unknown };
  readonly subscriptionId?: string;
}

export interface ArmTemplate {
  readonly resources: readonly ArmResource[];
  readonly parameters?: Record<string, { type: string; defaultValue?: unknown; metadata?: { description?: string } }>;
}

/** The compiled template `npm run check:infra` keeps in step with infra/main.bicep. */
export function readCompiledTemplate(): ArmTemplate {
  return JSON.parse(readFileSync(path.join(repositoryRoot, "infra", "azuredeploy.json"), "utf8")) as ArmTemplate;
}

/** Every resource of the template and of the templates its modules (nested deployments) carry. */
export function allResources(template: ArmTemplate): ArmResource[] {
  return template.resources.flatMap((resource) => [
    resource,
    ...(resource.properties?.template === undefined ? [] : allResources(resource.properties.template)),
  ]);
}
