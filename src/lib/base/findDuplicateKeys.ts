/** An object or array being read; its path is kept as a chain so that nesting never copies it. */
interface Container {
  readonly parent: Container | undefined;
  /** This container's key in its parent object, or its index in its parent array. */
  readonly segment: string | undefined;
  readonly isObject: boolean;
  readonly keys: Set<string>;
  readonly reported: Set<string>;
  /** The key whose value comes next (objects), or the index of the next item (arrays). */
  current: string;
  index: number;
  expectKey: boolean;
}

/**
 * Where the string opened at `open` ends. Most of an ARM page is string content (resource ids),
 * so the search is the engine's `indexOf`, not a loop per character: a quote preceded by an odd
 * run of backslashes is escaped, and the search goes on past it.
 */
function closingQuote(json: string, open: number): number {
  let end = json.indexOf('"', open + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (json.charCodeAt(end - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = json.indexOf('"', end + 1);
  }
  // Unreachable for text JSON.parse accepted; the scan ends there.
  return json.length;
}

function pathOf(container: Container, key: string): string {
  const segments = [key];
  for (let c: Container | undefined = container; c?.segment !== undefined; c = c.parent) segments.push(c.segment);
  return segments.reverse().join(".");
}

/**
 * Keys given twice in one object, as dotted paths (`notify.title`, `hostPools.0.name`), in the order
 * they repeat, each path once and at most `limit` of them. `JSON.parse` keeps the last value of a
 * repeated key where other parsers keep the first, so a body that repeats one is refused rather
 * than read one way here and another way in a log or a proxy. Expects text `JSON.parse` accepted;
 * one pass, no patterns: time linear in the text.
 */
export function findDuplicateKeys(json: string, limit = 10): string[] {
  const found: string[] = [];
  let top: Container | undefined;
  for (let i = 0; i < json.length && found.length < limit; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const segment = top === undefined ? undefined : top.isObject ? top.current : String(top.index);
      top = {
        parent: top,
        segment,
        isObject: c === 0x7b,
        keys: new Set(),
        reported: new Set(),
        current: "",
        index: 0,
        expectKey: c === 0x7b,
      };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      top = top?.parent;
    } else if (c === 0x2c /* , */ && top !== undefined) {
      if (top.isObject) top.expectKey = true;
      else top.index++;
    } else if (c === 0x22 /* " */) {
      const end = closingQuote(json, i);
      if (top?.isObject && top.expectKey) {
        const literal = json.slice(i, end + 1);
        const key = literal.includes("\\") ? (JSON.parse(literal) as string) : literal.slice(1, -1);
        if (top.keys.has(key)) {
          if (!top.reported.has(key)) found.push(pathOf(top, key));
          top.reported.add(key);
        }
        top.keys.add(key);
        top.current = key;
        top.expectKey = false;
      }
      i = end;
    }
  }
  return found;
}
