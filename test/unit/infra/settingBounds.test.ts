import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { numericSettingBounds, parseAppConfig, type NumericSettingName } from "../../../src/lib/config/appConfig";
import { readCompiledTemplate } from "./armTemplate";

interface TemplateParameter {
  readonly type: string;
  readonly defaultValue?: unknown;
  readonly minValue?: number;
  readonly maxValue?: number;
}

/** Each app setting the template passes to the app's module, with the expression that makes it. */
function settingExpressions(): Map<string, string> {
  const module = readCompiledTemplate().resources.find(
    (resource) => resource.type === "Microsoft.Resources/deployments" && resource.name === "avd-signout-resources",
  );
  const parameters = (module?.properties as { parameters?: Record<string, { value?: unknown }> } | undefined)
    ?.parameters;
  const settings = parameters?.signOutSettings?.value as Record<string, string> | undefined;
  assert.ok(settings !== undefined, "the app module's signOutSettings");
  return new Map(Object.entries(settings));
}

/** The template parameter a setting is made from, when the setting is that parameter as text. */
function parameterOf(expression: string): string | undefined {
  return /^\[string\(parameters\('(\w+)'\)\)\]$/.exec(expression)?.[1];
}

const templateParameters = readCompiledTemplate().parameters as Record<string, TemplateParameter>;
const expressions = settingExpressions();

describe("the template's numeric parameters and the app's settings schema", () => {
  for (const [setting, bounds] of Object.entries(numericSettingBounds)) {
    it(`${setting}: the parameter allows exactly the whole numbers the app accepts`, () => {
      const expression = expressions.get(setting);
      assert.ok(expression !== undefined, `the template sets ${setting}`);
      const name = parameterOf(expression);
      assert.ok(name !== undefined, `${setting} is one parameter as text: ${expression}`);
      const parameter = templateParameters[name];
      assert.ok(parameter !== undefined, name);
      assert.equal(parameter.type, "int", `${name} is a whole number`);
      // A setting that also takes fractions offers the whole numbers inside its range.
      assert.equal(parameter.minValue, Math.ceil(bounds.min), `${name} @minValue`);
      assert.equal(parameter.maxValue, Math.floor(bounds.max), `${name} @maxValue`);
    });
  }

  it("leaves no numeric setting parameter without bounds from the schema", () => {
    const unbounded = [...expressions]
      .filter(([, expression]) => {
        const name = parameterOf(expression);
        return name !== undefined && templateParameters[name]?.type === "int";
      })
      .map(([setting]) => setting)
      .filter((setting) => !(setting in numericSettingBounds));
    assert.deepEqual(unbounded, []);
  });

  it("defaults to values the app accepts, the asynchronous settings' cross rules included", () => {
    const environment: Record<string, string> = { AVD_SUBSCRIPTION_IDS: "3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11" };
    for (const setting of Object.keys(numericSettingBounds) as NumericSettingName[]) {
      const name = parameterOf(expressions.get(setting) ?? "");
      environment[setting] = String(templateParameters[name ?? ""]?.defaultValue);
    }
    const config = parseAppConfig(environment);
    assert.ok(config.ok, JSON.stringify(!config.ok && config.error));
    assert.ok(config.value.async.ok, JSON.stringify(!config.value.async.ok && config.value.async.error));
  });

  it("accepts each parameter's extremes in the app, one at a time", () => {
    for (const [setting] of Object.entries(numericSettingBounds)) {
      const name = parameterOf(expressions.get(setting) ?? "")!;
      const parameter = templateParameters[name]!;
      for (const value of [parameter.minValue, parameter.maxValue]) {
        const parsed = parseAppConfig({
          AVD_SUBSCRIPTION_IDS: "3f2c6a8e-5b1d-4c7a-9e21-6d8f0b4a2c11",
          [setting]: String(value),
        });
        assert.ok(parsed.ok, `${setting}=${value}: ${JSON.stringify(!parsed.ok && parsed.error)}`);
        // Cross rules may refuse an extreme beside the other defaults (docs/settings.md); the bound itself may not.
        if (!parsed.value.async.ok) assert.notEqual(parsed.value.async.error.message.startsWith("must be at"), true);
      }
    }
  });
});
