import path from "node:path";

/**
 * The folder to put on `NODE_PATH` (documented Node behaviour, read at process start) so that
 * `require('@azure/functions-core')` inside `@azure/functions` finds the stand-in: it holds
 * `@azure/functions-core/index.js`. It lives under local/, which is never deployed (.funcignore).
 */
export const functionsCoreNodePath = path.join(__dirname, "nodePath");

/** The environment a host process needs: the caller's, with the stand-in first on NODE_PATH. */
export function withFunctionsCoreOnNodePath(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const existing = env.NODE_PATH;
  return {
    ...env,
    NODE_PATH: existing ? `${functionsCoreNodePath}${path.delimiter}${existing}` : functionsCoreNodePath,
  };
}
