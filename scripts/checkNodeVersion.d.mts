export interface NodeVersionFacts {
  /** `process.versions.node`, with or without a leading `v`. */
  readonly version: string;
  /** package.json `engines.node`: `>=major[.minor[.patch]]`. */
  readonly required: string;
  /** The major version `.nvmrc` names. */
  readonly suggested: string;
  readonly platform: string;
  readonly arch: string;
}

export function nodeVersionProblem(facts: NodeVersionFacts): string | undefined;
export function currentFacts(): NodeVersionFacts;
export function exitUnlessSupportedNode(): void;
