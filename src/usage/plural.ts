/** `1 day`, `3 days`: a count with its noun in the right number, for messages. */
export function plural(n: number, singular: string, many = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : many}`;
}

/** "is"/"are", "has"/"have" to go with a count. */
export const verb = (n: number, one: string, many: string) => (n === 1 ? one : many);
