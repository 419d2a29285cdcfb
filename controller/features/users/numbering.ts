/**
 * The numbering plan's rules for a user's extension: 3-5 digits, and not a number the plan gives to something
 * else (700 park, 701-799 park slots, 800-899 paging groups).
 */
export const reservedRanges = [
  { from: 700, to: 799, what: 'parking' },
  { from: 800, to: 899, what: 'paging' },
] as const;

/** The shape of every extension; the reserved ranges come on top of it. */
export const extensionPattern = /^\d{3,5}$/;

/** Why `extension` cannot be a user's extension, or undefined when it can. */
export function extensionProblem(extension: string): string | undefined {
  if (!extensionPattern.test(extension)) return 'must be 3 to 5 digits';
  if (extension.length !== 3) return undefined;
  const value = Number(extension);
  const range = reservedRanges.find((r) => value >= r.from && value <= r.to);
  return range && `must not be in ${range.from}-${range.to} (reserved for ${range.what})`;
}
