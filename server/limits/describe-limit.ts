import type { ClientIdentity } from "../auth/client-identity.js";
import type { PolicyName } from "./rate-limit-headers.js";

/**
 * A wait in words: "42 s" (up to two minutes, so a minute's window reads "60 s"), "12 min", "5 h 12 min"; rounded up,
 * so a client that waits that long is let in.
 */
export function formatWait(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 120) return `${whole} s`;
  const minutes = Math.ceil(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** Who is limited, in the words of a message: a key, or an address on a server without keys. */
function subjectOf(client: Pick<ClientIdentity, "id">): string {
  return client.id.startsWith("addr:") ? "This address" : "This key";
}

/** Why a request was refused and when to try again, for the `rate_limited` error's message. */
export function describeLimit(policy: PolicyName, quota: number, retryAfterSeconds: number, client: Pick<ClientIdentity, "id">): string {
  const wait = formatWait(retryAfterSeconds);
  switch (policy) {
    case "requests":
      return `${subjectOf(client)} has sent its ${quota} requests for this minute; try again in ${wait}.`;
    case "concurrent":
      return `${subjectOf(client)} already has ${quota} ${quota === 1 ? "reply" : "replies"} running, its limit; try again in ${wait}, or once one ends.`;
    case "tokens":
      return `${subjectOf(client)} has used its ${quota} tokens for today; try again in ${wait}.`;
    case "auth-failures":
      return `Too many failed authentications from this address; try again in ${wait}.`;
  }
}
