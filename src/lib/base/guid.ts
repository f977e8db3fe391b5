/**
 * A GUID in either case. Written without regex flags so that the same pattern can stand in the
 * OpenAPI document, whose JSON Schema patterns have none.
 */
export const guidPatternSource = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

export const guidPattern = new RegExp(`^${guidPatternSource}$`);
