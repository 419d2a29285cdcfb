const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What PostgreSQL's `text` cannot hold, checked before a value gets near a query. A NUL character is refused by the
 * server ("invalid byte sequence for encoding UTF8: 0x00"), which would be a 500; a lone surrogate half is not
 * UTF-8 at all and would be stored silently changed (as U+FFFD). Both are refused as bad input instead.
 */
export function pgTextProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (loneSurrogate.test(value)) return 'must not contain unpaired surrogates (not valid Unicode)';
  return undefined;
}
