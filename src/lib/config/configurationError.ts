/** A setting is missing or malformed: the app cannot serve any request until an operator fixes it. */
export interface ConfigurationError {
  readonly code: "ConfigurationError";
  readonly setting: string;
  readonly message: string;
}

export function configurationError(setting: string, problem: string): ConfigurationError {
  return { code: "ConfigurationError", setting, message: `App setting ${setting} ${problem}.` };
}
