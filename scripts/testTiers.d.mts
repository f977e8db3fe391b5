export interface TestTiers {
  /** Fast files under test/unit. */
  readonly unit: readonly string[];
  /** Files that start no child process, themselves or through a project module they import. */
  readonly fast: readonly string[];
  readonly all: readonly string[];
}

export function runtimeImports(source: string): string[];
export function createChildProcessCheck(): (file: string) => boolean;
export function testTiers(projectRoot: string): TestTiers;
export function compiledTestFile(projectRoot: string, source: string): string;
