import { randomBytes } from "node:crypto";
import type { EmulatorResponse } from "../server.ts";

/** OpenAI's error envelope: `{"error":{"message","type","param":null,"code"}}`. */

const ERRORS: Record<number, [type: string, code: string | null, message: string]> = {
  400: ["invalid_request_error", null, "Invalid request"],
  401: ["invalid_request_error", "invalid_api_key", "Incorrect API key provided"],
  403: ["invalid_request_error", null, "You have insufficient permissions for this operation."],
  404: ["invalid_request_error", null, "Not found"],
  429: ["requests", "rate_limit_exceeded", "Rate limit reached for requests"],
  500: ["server_error", null, "The server had an error while processing your request. Sorry about that!"],
  503: ["server_error", null, "The engine is currently overloaded, please try again later"],
};

export function requestId(): string {
  return `req_${randomBytes(16).toString("hex")}`;
}

export function errorBody(status: number, message?: string, code?: string | null): unknown {
  const [type, defaultCode, fallback] =
    ERRORS[status] ?? (status >= 500 ? ERRORS[500]! : ["invalid_request_error", null, "Invalid request"]);
  return {
    error: { message: message ?? fallback, type, param: null, code: code === undefined ? defaultCode : code },
  };
}

export function fail(status: number, message?: string, code?: string | null): EmulatorResponse {
  return { status, body: errorBody(status, message, code) };
}
