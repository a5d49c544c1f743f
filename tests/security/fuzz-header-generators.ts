/**
 * Headers for the security fuzzer, one generator per concern, each adding its headers to a request or not. The list
 * is the extension point: a feature that reads a header adds a generator here (valid and hostile values alike), and
 * every fuzzed request may carry it, e.g. API keys:
 *
 * @example
 * HEADER_GENERATORS.push({ name: "authorization", arbitrary: fc.constantFrom(`Bearer ${validKey}`, "Bearer nope", "Basic Og==") .map((value) => ({ authorization: value })) });
 */
import fc from "fast-check";

/** Headers one generator adds to a request (names in lower case; an empty record adds none). */
export type FuzzHeaders = Record<string, string>;

export interface HeaderGenerator {
  /** What the headers are about, for failure messages. */
  name: string;
  arbitrary: fc.Arbitrary<FuzzHeaders>;
}

/** Printable ASCII and tab: what Node's client (and any HTTP/1.1 peer) lets through in a header value. */
const HEADER_TEXT = fc.string({ unit: fc.constantFrom(..." \t!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`{|}~"), maxLength: 64 });
/** Latin-1 bytes past ASCII (obs-text): legal in a header value, and where decoders disagree. */
const OBS_TEXT = fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 8 });
const ODD_VALUE = fc.oneof(HEADER_TEXT, OBS_TEXT, fc.constantFrom("", " ", "\t", "null", "undefined", "0", "-1", "[]", "{}", '"', "%00", "%0d%0a"));

const single = (name: string, values: fc.Arbitrary<string>): fc.Arbitrary<FuzzHeaders> => values.map((value) => ({ [name]: value }));

/** Every generator the fuzzer draws from; each is used on some requests and left out of others. */
export const HEADER_GENERATORS: HeaderGenerator[] = [
  { name: "x-request-id", arbitrary: single("x-request-id", fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/), ODD_VALUE, fc.constant("a".repeat(129)))) },
  {
    name: "last-event-id",
    arbitrary: single("last-event-id", fc.oneof(fc.nat().map(String), fc.constantFrom("-1", "1e3", "0x1", "1.5", "99999999999999999999"), ODD_VALUE)),
  },
  {
    name: "origin",
    arbitrary: single(
      "origin",
      fc.oneof(fc.constantFrom("null", "https://evil.example", "http://127.0.0.1", "file://", "https://chat.example.evil"), ODD_VALUE),
    ),
  },
  {
    name: "content-encoding",
    arbitrary: single("content-encoding", fc.constantFrom("identity", "gzip", "deflate", "br", "compress", "gzip, gzip", "x-unknown", "")),
  },
  {
    name: "cookie",
    arbitrary: single(
      "cookie",
      fc.oneof(
        ODD_VALUE,
        fc.integer({ min: 1, max: 12_000 }).map((length) => `session=${"c".repeat(length)}`),
      ),
    ),
  },
  {
    name: "huge header",
    // Past HTTP_MAX_HEADER_BYTES on some requests: Node answers 431 before the app sees them.
    arbitrary: fc.integer({ min: 1, max: 24_000 }).map((length) => ({ "x-padding": "p".repeat(length) })),
  },
  {
    name: "many headers",
    arbitrary: fc
      .integer({ min: 1, max: 150 })
      .map((count) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`x-many-${index}`, String(index)]))),
  },
  {
    name: "conditional and range",
    arbitrary: fc.record({ range: fc.constantFrom("bytes=0-1", "bytes=-1", "bytes=5-2", "items=0-1"), "if-none-match": fc.constantFrom("*", '"x"', 'W/"y"') }),
  },
  { name: "odd unknown header", arbitrary: fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), ODD_VALUE).map(([name, value]) => ({ [name]: value })) },
];

/**
 * Some of the `generators`' headers, each generator used on about one request in five, merged (a later
 * generator's value wins a name both set). Rarely enough that many requests carry none and still reach the app.
 */
export function arbitraryExtraHeaders(generators: readonly HeaderGenerator[]): fc.Arbitrary<FuzzHeaders> {
  const none = fc.constant<FuzzHeaders>({});
  return fc
    .tuple(...generators.map((generator) => fc.oneof({ weight: 4, arbitrary: none }, { weight: 1, arbitrary: generator.arbitrary })))
    .map((chosen) => Object.assign({}, ...chosen) as FuzzHeaders);
}

/**
 * `Authorization` for a server with API keys: mostly the valid key (so requests get past authentication and reach
 * everything behind it), otherwise none, a wrong key, another scheme, or a hostile value.
 */
export function arbitraryAuthorization(validKey: string): fc.Arbitrary<FuzzHeaders> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant<FuzzHeaders>({ authorization: `Bearer ${validKey}` }) },
    { weight: 1, arbitrary: fc.constant<FuzzHeaders>({}) },
    {
      weight: 2,
      arbitrary: single(
        "authorization",
        fc.oneof(
          fc.constantFrom("Bearer", "Bearer ", `Bearer ${validKey}x`, `bearer ${validKey}`, `Basic ${btoa(`user:${validKey}`)}`, `Bearer ${"k".repeat(4_000)}`),
          HEADER_TEXT.map((text) => `Bearer ${text}`),
          ODD_VALUE,
        ),
      ),
    },
  );
}
