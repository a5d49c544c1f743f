/** Half of a UTF-16 surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The same JSON value with every unpaired surrogate in its strings replaced by U+FFFD, as a UTF-8 decoder does with a
 * broken sequence. JSON allows `"\ud83d"` (any `\uXXXX` escape), but such a string is not Unicode text: the provider
 * may refuse the whole request for it, and a log or a store may mangle it. It happens innocently: a client cutting a
 * string by UTF-16 length (`slice`) can cut an emoji in half. Only for values already validated against a schema,
 * whose depth the schema bounds: it recurses.
 */
export function replaceLoneSurrogates(value: unknown): unknown {
  if (typeof value === "string") return value.replace(LONE_SURROGATE, "\uFFFD");
  if (Array.isArray(value)) return value.map(replaceLoneSurrogates);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [replaceLoneSurrogates(key) as string, replaceLoneSurrogates(item)]));
  }
  return value;
}
