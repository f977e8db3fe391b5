import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
// Kusto.Language (Microsoft's KQL parser and binder, the one Azure Data Explorer's editors use),
// compiled to JavaScript with Bridge.NET: the runtime first, then the library; both set globals.
import "@kusto/language-service-next/bridge.js";
import "@kusto/language-service-next";
import { repositoryRoot } from "./armTemplate";

interface Diagnostic {
  readonly Severity: string;
  readonly Message: string;
  readonly Start: number;
}
interface KustoLanguage {
  readonly KustoCode: {
    ParseAndAnalyze(
      text: string,
      globals: unknown,
    ): {
      GetDiagnostics(): { readonly Count: number; getItem(index: number): Diagnostic };
    };
  };
  readonly GlobalState: { readonly Default: { WithCluster(cluster: unknown): { WithDatabase(db: unknown): unknown } } };
  readonly Symbols: {
    readonly ScalarTypes: { GetSymbol(name: string): unknown };
    readonly ColumnSymbol: new (name: string, type: unknown) => unknown;
    readonly TableSymbol: { readonly $ctor4: new (name: string, columns: unknown[]) => unknown };
    readonly FunctionSymbol: {
      readonly $ctor16: new (name: string, parameters: string, body: string, description: string) => unknown;
    };
    readonly DatabaseSymbol: new (name: string, members: unknown[]) => unknown;
    readonly ClusterSymbol: { readonly $ctor1: new (name: string, databases: unknown[], isOpen: boolean) => unknown };
  };
}

const kusto = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
const read = (file: string) => readFileSync(path.join(repositoryRoot, file), "utf8");

function table(name: string, columns: Record<string, string>): unknown {
  const symbols = Object.entries(columns).map(
    ([column, type]) => new kusto.Symbols.ColumnSymbol(column, kusto.Symbols.ScalarTypes.GetSymbol(type)),
  );
  return new kusto.Symbols.TableSymbol.$ctor4(name, symbols);
}

// The columns the queries use, as Log Analytics (AppTraces) and Application Insights (traces) name them.
const appTraces = table("AppTraces", {
  TimeGenerated: "datetime",
  Message: "string",
  SeverityLevel: "int",
  OperationId: "string",
  AppRoleName: "string",
  Properties: "dynamic",
});
const traces = table("traces", {
  timestamp: "datetime",
  message: "string",
  severityLevel: "int",
  operation_Id: "string",
  cloud_RoleName: "string",
  customDimensions: "dynamic",
});
const functionFiles = ["AvdSignoutSummaries", "AvdSignoutFailures"];
const functions = functionFiles.map(
  (name) => new kusto.Symbols.FunctionSymbol.$ctor16(name, "()", `{\n${read(`docs/kusto/${name}.kql`)}\n}`, name),
);
const database = new kusto.Symbols.DatabaseSymbol("logs", [appTraces, traces, ...functions]);
const globals = kusto.GlobalState.Default.WithCluster(
  new kusto.Symbols.ClusterSymbol.$ctor1("workspace", [database], false),
).WithDatabase(database);

function problems(query: string): string[] {
  const diagnostics = kusto.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
  return Array.from({ length: diagnostics.Count }, (_, index) => diagnostics.getItem(index)).map(
    (diagnostic) => `${diagnostic.Severity} at ${diagnostic.Start}: ${diagnostic.Message}`,
  );
}

describe("the Kusto queries, parsed and bound by Kusto.Language", () => {
  it("finds a misspelt column (the check is real)", () => {
    assert.equal(problems("AppTraces | where Mesage has 'x'").length, 1);
  });

  for (const name of functionFiles) {
    it(`docs/kusto/${name}.kql has no error against AppTraces`, () => {
      assert.deepEqual(problems(read(`docs/kusto/${name}.kql`)), []);
    });
  }

  it("every query in docs/observability.md has no error against the workspace functions and traces", () => {
    const queries = [...read("docs/observability.md").matchAll(/```kusto\n([\s\S]*?)```/g)].map((match) => match[1]!);
    assert.ok(queries.length >= 5);
    for (const query of queries) assert.deepEqual(problems(query), [], query);
  });
});
