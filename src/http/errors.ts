import type { PlatformId } from "../usage/types.ts";

/** Base of every error a platform can raise; the report shows `platform` and `message`. */
export class PlatformError extends Error {
  constructor(
    readonly platform: PlatformId,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The vendor answered with an HTTP error status. `message` is `HTTP <status>: <vendor message>`. */
export class ApiError extends PlatformError {
  constructor(
    platform: PlatformId,
    readonly status: number,
    readonly vendorMessage: string,
    readonly requestId: string | null,
  ) {
    super(platform, `HTTP ${status}: ${vendorMessage}`);
  }
}
export class BadRequestError extends ApiError {}
export class AuthenticationError extends ApiError {}
export class PermissionDeniedError extends ApiError {}
export class NotFoundError extends ApiError {}
export class RateLimitError extends ApiError {}
export class ServerError extends ApiError {}

/** Maps a status to its class, as openai-node does, so callers can `instanceof` without numbers. */
export function apiErrorFor(platform: PlatformId, status: number, message: string, requestId: string | null) {
  const Cls =
    status === 400
      ? BadRequestError
      : status === 401
        ? AuthenticationError
        : status === 403
          ? PermissionDeniedError
          : status === 404
            ? NotFoundError
            : status === 429
              ? RateLimitError
              : status >= 500
                ? ServerError
                : ApiError;
  return new Cls(platform, status, message, requestId);
}

/** No HTTP answer: refused, reset, DNS, or the body was cut off. */
export class ConnectionError extends PlatformError {}

/** No answer within the per-request timeout. */
export class TimeoutError extends PlatformError {}

/** The vendor answered 2xx with a body we cannot use: not JSON, or a field of the wrong shape. */
export class ResponseShapeError extends PlatformError {
  constructor(
    platform: PlatformId,
    readonly field: string,
    detail: string,
  ) {
    super(platform, `unexpected response: ${field ? `${field}: ` : ""}${detail}`);
  }
}

/** Paging went wrong: a repeated cursor, has_more without a cursor, or too many pages. */
export class PagingError extends PlatformError {}

/** The user interrupted the run (Ctrl-C). */
export class AbortedError extends Error {
  constructor() {
    super("aborted");
    this.name = "AbortedError";
  }
}
