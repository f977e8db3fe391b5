const parameter = /^\{(\*?)(\w+)(?::[^}?]+)?(\?)?\}$/;

/**
 * Matches a request path (after /api/) against a Functions route template such as
 * `avd/jobs/{jobId}`, `{name?}` or `{*rest}`, case-insensitively as the host does; returns the route
 * parameters, or undefined. Constraints (`{id:guid}`) are accepted and not checked.
 */
export function matchRoute(template: string, requestPath: string): Record<string, string> | undefined {
  const templateSegments = template.split("/").filter((segment) => segment !== "");
  const pathSegments = requestPath.split("/").filter((segment) => segment !== "");
  const params: Record<string, string> = {};
  for (const [index, segment] of templateSegments.entries()) {
    const match = parameter.exec(segment);
    const value = pathSegments[index];
    if (match === null) {
      if (value === undefined || value.toLowerCase() !== segment.toLowerCase()) return undefined;
      continue;
    }
    const [, catchAll, name, optional] = match;
    if (catchAll === "*") {
      params[name!] = pathSegments.slice(index).map(decodeURIComponent).join("/");
      return params;
    }
    if (value === undefined) {
      if (optional !== "?") return undefined;
      continue;
    }
    params[name!] = decodeURIComponent(value);
  }
  return pathSegments.length <= templateSegments.length ? params : undefined;
}
