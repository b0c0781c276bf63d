/** A problem with how the tool was invoked or configured: one line naming it, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
