/**
 * A random id for conversations and messages. Not `crypto.randomUUID()`: browsers only offer it in secure contexts,
 * and the UI is also opened over plain http on a LAN address during development.
 */
export function createId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
