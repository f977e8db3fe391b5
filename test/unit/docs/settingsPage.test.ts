import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { appSettingNames, configDefaults, numericSettingBounds } from "../../../src/lib/config/appConfig";
import { readDoc, section, tableRows } from "../../support/markdownDocs";

const page = readDoc("docs/settings.md");
const [header, ...rows] = tableRows(section(page, "App settings"));
const column = (name: string): number => {
  const index = header!.indexOf(name);
  assert.ok(index >= 0, `the settings table has a "${name}" column`);
  return index;
};
const documented = new Map(rows.map((cells) => [/^`(\w+)`$/.exec(cells[0]!)?.[1] ?? cells[0]!, cells]));

/** `AVD_ARM_READS_PER_SECOND` → `armReadsPerSecond`: how configDefaults names a setting's default. */
function defaultKey(setting: string): string {
  const [first, ...rest] = setting
    .replace(/^(?:AVD|AZURE)_/, "")
    .toLowerCase()
    .split("_");
  return [first, ...rest.map((word) => word.charAt(0).toUpperCase() + word.slice(1))].join("");
}

/**
 * A numeric setting's bounds as the app checks them: `numericSettingBounds`, the one table both the
 * synchronous schema's number pipes and the asynchronous settings' parser are built from (the
 * asynchronous ones reach `appSettingsSchema` as text, so the schema alone cannot say their bounds);
 * undefined for settings that are not numbers.
 */
function numericBounds(setting: string): { min: number; max: number } | undefined {
  return (numericSettingBounds as Readonly<Record<string, { min: number; max: number }>>)[setting];
}

describe("docs/settings.md, against the app's settings schema", () => {
  it("has a row for every setting the app reads, and no row for one it does not read", () => {
    assert.deepEqual([...documented.keys()].sort(), [...appSettingNames].sort());
  });

  it("states each setting's default as the schema's default, and none for a setting without one", () => {
    const defaults = configDefaults as Readonly<Record<string, string | number | boolean>>;
    const withDefault = new Set<string>();
    for (const [setting, cells] of documented) {
      const cell = cells[column("default")]!;
      const key = defaultKey(setting);
      if (key in defaults) {
        withDefault.add(key);
        assert.equal(cell, `\`${String(defaults[key])}\``, setting);
      } else {
        assert.match(cell, /^(—|set by the platform|the cloud's)/, setting);
      }
    }
    assert.deepEqual(
      Object.keys(configDefaults).filter((key) => !withDefault.has(key)),
      [],
      "every default in configDefaults belongs to a documented setting",
    );
  });

  it("states each numeric setting's bounds as the schema checks them", () => {
    const numeric = [...documented].filter(([setting]) => numericBounds(setting) !== undefined);
    assert.ok(numeric.length >= 14);
    assert.deepEqual(
      numeric.map(([setting]) => setting).sort(),
      Object.keys(numericSettingBounds).sort(),
      "a row for every bounded setting",
    );
    for (const [setting, cells] of numeric) {
      const { min, max } = numericBounds(setting)!;
      assert.ok(cells[column("bounds")]!.replaceAll(",", "").startsWith(`${min}–${max}`), `${setting}: ${min}–${max}`);
    }
  });

  it("says who needs each setting and what it means", () => {
    for (const [setting, cells] of documented) {
      assert.notEqual(cells[column("who needs it")], "", setting);
      assert.ok(cells[column("meaning")]!.length > 20, setting);
    }
  });
});
