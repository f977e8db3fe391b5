import type { IncomingHttpHeaders } from "node:http";
import { createHttpHeaders, type HttpHeaders, type RawHttpHeaders } from "@azure/core-rest-pipeline";

/**
 * An answer's headers as the pipeline reads them, over node's own (already lower-cased) object:
 * the pipeline only reads a few of them, so copying every header of every answer into the SDK's
 * collection was garbage on each of a large tenant's thousands of calls. A write copies first.
 * As the SDK's client does, a repeated header reads as its first value.
 */
export class ArmResponseHeaders implements HttpHeaders {
  private copy: HttpHeaders | undefined;

  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | undefined {
    if (this.copy !== undefined) return this.copy.get(name);
    const value = this.raw[name.toLowerCase()];
    return typeof value === "string" ? value : value?.[0];
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, value: string | number | boolean): void {
    this.copied().set(name, value);
  }

  delete(name: string): void {
    this.copied().delete(name);
  }

  toJSON(options?: { preserveCase?: boolean }): RawHttpHeaders {
    return this.copied().toJSON(options);
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.copied()[Symbol.iterator]();
  }

  private copied(): HttpHeaders {
    if (this.copy === undefined) {
      const copy = createHttpHeaders();
      for (const name in this.raw) {
        const value = this.get(name);
        if (value !== undefined) copy.set(name, value);
      }
      this.copy = copy;
    }
    return this.copy;
  }
}
