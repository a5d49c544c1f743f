/** The current time as ISO 8601, the format messages and conversations are stored with. */
export function isoNow(): string {
  return new Date().toISOString();
}
