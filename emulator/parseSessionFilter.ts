/** What a user-session `$filter` can look at. */
export interface FilterableSession {
  readonly userPrincipalName: string;
  readonly sessionState: string;
}

export type SessionFilterResult =
  | { readonly ok: true; readonly matches: (session: FilterableSession) => boolean }
  | { readonly ok: false; readonly message: string };

type Token =
  | { readonly kind: "open" | "close"; readonly at: number }
  | { readonly kind: "word"; readonly text: string; readonly at: number }
  | { readonly kind: "string"; readonly value: string; readonly at: number };

type Node =
  | { readonly kind: "and" | "or"; readonly left: Node; readonly right: Node }
  | {
      readonly kind: "compare";
      readonly property: "userPrincipalName" | "sessionState";
      readonly negate: boolean;
      readonly value: string;
    };

class FilterSyntaxError extends Error {}

/**
 * The OData subset the service documents for user-session listings: `userPrincipalName` and
 * `sessionState` (and `state`, which the REST example uses), `eq`/`ne`, `and`/`or`, parentheses,
 * single-quoted strings with `''` as the escaped quote. UPN comparison follows `caseSensitive`;
 * session states are enum names and compare case-insensitively (the REST example writes 'active').
 */
export function parseSessionFilter(text: string, caseSensitive: boolean): SessionFilterResult {
  try {
    const tokens = tokenize(text);
    const parser = new Parser(tokens, text.length);
    const tree = parser.parseExpression();
    parser.expectEnd();
    return { ok: true, matches: (session) => evaluate(tree, session, caseSensitive) };
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      return { ok: false, message: `Invalid $filter '${text}': ${error.message}` };
    }
    throw error;
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === "(" || char === ")") {
      tokens.push({ kind: char === "(" ? "open" : "close", at: i });
      i += 1;
    } else if (char === "'") {
      const start = i;
      let value = "";
      i += 1;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError(`unterminated string literal starting at position ${start}.`);
        const c = text[i] as string;
        if (c === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += c;
        i += 1;
      }
      tokens.push({ kind: "string", value, at: start });
    } else if (/[a-z_]/i.test(char)) {
      const start = i;
      while (i < text.length && /\w/.test(text[i] as string)) i += 1;
      tokens.push({ kind: "word", text: text.slice(start, i), at: start });
    } else {
      throw new FilterSyntaxError(`syntax error at position ${i}: unexpected character '${char}'.`);
    }
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly length: number,
  ) {}

  parseExpression(): Node {
    let left = this.parseConjunction();
    while (this.peekKeyword("or")) {
      this.position += 1;
      left = { kind: "or", left, right: this.parseConjunction() };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.tokens[this.position];
    if (token !== undefined)
      throw new FilterSyntaxError(
        `syntax error at position ${token.at}: expected 'and', 'or' or the end of the expression.`,
      );
  }

  private parseConjunction(): Node {
    let left = this.parsePrimary();
    while (this.peekKeyword("and")) {
      this.position += 1;
      left = { kind: "and", left, right: this.parsePrimary() };
    }
    return left;
  }

  private parsePrimary(): Node {
    const token = this.next("a comparison or '('");
    if (token.kind === "open") {
      const inner = this.parseExpression();
      const close = this.next("')'");
      if (close.kind !== "close") throw new FilterSyntaxError(`syntax error at position ${close.at}: expected ')'.`);
      return inner;
    }
    if (token.kind !== "word")
      throw new FilterSyntaxError(`syntax error at position ${token.at}: expected a property name.`);
    const property = propertyNamed(token.text);
    if (property === undefined) {
      throw new FilterSyntaxError(
        `could not find a property named '${token.text}' on type 'UserSession'; supported: userPrincipalName, sessionState.`,
      );
    }
    const operator = this.next("'eq' or 'ne'");
    const op = operator.kind === "word" ? operator.text.toLowerCase() : "";
    if (op !== "eq" && op !== "ne")
      throw new FilterSyntaxError(`syntax error at position ${operator.at}: expected 'eq' or 'ne'.`);
    const literal = this.next("a string literal");
    if (literal.kind !== "string")
      throw new FilterSyntaxError(
        `syntax error at position ${literal.at}: expected a string literal in single quotes.`,
      );
    return { kind: "compare", property, negate: op === "ne", value: literal.value };
  }

  private peekKeyword(keyword: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === "word" && token.text.toLowerCase() === keyword;
  }

  private next(expected: string): Token {
    const token = this.tokens[this.position];
    if (token === undefined)
      throw new FilterSyntaxError(`unexpected end of expression at position ${this.length}: expected ${expected}.`);
    this.position += 1;
    return token;
  }
}

function propertyNamed(name: string): "userPrincipalName" | "sessionState" | undefined {
  switch (name.toLowerCase()) {
    case "userprincipalname":
      return "userPrincipalName";
    case "sessionstate":
    case "state":
      return "sessionState";
    default:
      return undefined;
  }
}

function evaluate(node: Node, session: FilterableSession, caseSensitive: boolean): boolean {
  switch (node.kind) {
    case "and":
      return evaluate(node.left, session, caseSensitive) && evaluate(node.right, session, caseSensitive);
    case "or":
      return evaluate(node.left, session, caseSensitive) || evaluate(node.right, session, caseSensitive);
    case "compare": {
      const actual = session[node.property];
      const exact = node.property === "userPrincipalName" && caseSensitive;
      const equal = exact ? actual === node.value : actual.toLowerCase() === node.value.toLowerCase();
      return equal !== node.negate;
    }
  }
}
