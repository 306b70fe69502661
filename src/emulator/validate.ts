/**
 * STS-style parameter validation. Problems are gathered and reported together in one
 * ValidationError, worded the way AWS words them so that clients showing the message look right.
 */
import type { AwsError } from "./errors.js";

export const NAME_PATTERN = /^[\w+=,.@-]*$/;

export class Params {
  readonly #values: URLSearchParams;
  readonly #problems: string[] = [];

  constructor(values: URLSearchParams) {
    this.#values = values;
  }

  /** A string member; `field` is the camelCase member name AWS uses in messages. */
  string(
    name: string,
    field: string,
    rule: {
      required?: boolean;
      min?: number;
      max?: number;
      pattern?: RegExp;
      patternText?: string;
    },
  ): string | undefined {
    const value = this.#member(name, field, rule.required);
    if (value === undefined) return undefined;
    const shown = `Value '${value}' at '${field}' failed to satisfy constraint:`;
    if (rule.min !== undefined && value.length < rule.min) {
      this.#problems.push(`${shown} Member must have length greater than or equal to ${rule.min}`);
    } else if (rule.max !== undefined && value.length > rule.max) {
      this.#problems.push(`${shown} Member must have length less than or equal to ${rule.max}`);
    } else if (rule.pattern !== undefined && !rule.pattern.test(value)) {
      const text = rule.patternText ?? rule.pattern.source.replace(/^\^|\$$/g, "");
      this.#problems.push(`${shown} Member must satisfy regular expression pattern: ${text}`);
    }
    return value;
  }

  /** A secret member: its value never appears in a message. */
  secret(
    name: string,
    field: string,
    rule: { required?: boolean; min?: number; max?: number },
  ): string | undefined {
    const value = this.#member(name, field, rule.required);
    if (value === undefined) return undefined;
    if (
      (rule.min !== undefined && value.length < rule.min) ||
      (rule.max !== undefined && value.length > rule.max)
    ) {
      this.#problems.push(
        `Value at '${field}' failed to satisfy constraint: Member must have length between ${rule.min ?? 0} and ${rule.max ?? "unbounded"}`,
      );
    }
    return value;
  }

  /** The member's value; a missing required member is a problem. */
  #member(name: string, field: string, required: boolean | undefined): string | undefined {
    const value = this.#values.get(name) ?? undefined;
    if (value === undefined && required) {
      this.#problems.push(
        `Value null at '${field}' failed to satisfy constraint: Member must not be null`,
      );
    }
    return value;
  }

  integer(name: string, field: string, min: number, max: number): number | undefined {
    const raw = this.#values.get(name) ?? undefined;
    if (raw === undefined) return undefined;
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isNaN(value)) {
      this.#problems.push(
        `Value '${raw}' at '${field}' failed to satisfy constraint: Member must be an integer`,
      );
    } else if (value < min) {
      this.#problems.push(
        `Value '${raw}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      );
    } else if (value > max) {
      this.#problems.push(
        `Value '${raw}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
    }
    return value;
  }

  /** The ValidationError for everything found so far, if anything. */
  error(): AwsError | undefined {
    const count = this.#problems.length;
    if (count === 0) return undefined;
    const head =
      count === 1 ? "1 validation error detected: " : `${count} validation errors detected: `;
    return { status: 400, code: "ValidationError", message: head + this.#problems.join("; ") };
  }
}

export function validationError(message: string): AwsError {
  return { status: 400, code: "ValidationError", message };
}
