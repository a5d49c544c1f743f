import { pino, type Logger, type DestinationStream } from "pino";

export type { Logger };

/** Structured JSON logs on stdout (or `destination`, which tests use to read the lines back). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "streaming-chat" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Reply text must reach the logs only through LOG_CONTENT, never inside a serialised error.
      redact: { paths: ["err.partialContent", "err.extra", "err.cause.partialContent"], remove: true },
    },
    destination,
  );
}
