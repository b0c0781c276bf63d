import type { z } from "zod";
import { ResponseShapeError } from "../http/errors.ts";
import { redact } from "../http/redact.ts";
import type { PlatformId } from "../usage/types.ts";

/**
 * Validates a vendor body and turns the first problem into a ResponseShapeError naming the field
 * the way a reader finds it in the JSON (`data[3].model_breakdown[0].tokens.input`), so a schema
 * drift report says exactly what changed.
 */
export function parseOrThrow<S extends z.ZodType>(
  platform: PlatformId,
  schema: S,
  body: unknown,
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path;
  throw new ResponseShapeError(platform, formatPath(path), describeIssue(issue, valueAt(body, path)));
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, actual: unknown): string {
  if (issue.code === "invalid_type") {
    const expected = issue.expected === "int" ? "integer" : issue.expected;
    return actual === undefined
      ? `missing (expected ${expected})`
      : `expected ${expected}, got ${typeName(actual)}`;
  }
  if (issue.code === "invalid_format" || issue.code === "invalid_value" || issue.code === "not_multiple_of")
    return `${issue.message} (got ${preview(actual)})`;
  return issue.message;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isInteger(value)) return `number ${value}`;
  return typeof value;
}

/** A short, single-line rendering of the offending value (never whole objects). */
function preview(value: unknown): string {
  if (typeof value === "string")
    return redact(JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value));
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return typeName(value);
}
