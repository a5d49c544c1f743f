import { pino, type Logger, type DestinationStream } from "pino";
import sonicBoomModule, { type SonicBoom as SonicBoomStream, type SonicBoomOpts } from "sonic-boom";

export type { Logger };

// sonic-boom is CommonJS (`module.exports = SonicBoom`); under NodeNext its default import arrives as the module.
const SonicBoom = ((sonicBoomModule as unknown as { default?: unknown }).default ?? sonicBoomModule) as unknown as new (
  options: SonicBoomOpts,
) => SonicBoomStream;

/** Log lines held in memory while stdout cannot take them; beyond this they are dropped, never waited for. */
const MAX_BUFFERED_LOG_BYTES = 4 * 1024 * 1024;
/** Longest wait at exit for buffered log lines to reach stdout. */
const EXIT_FLUSH_TIMEOUT_MS = 1_000;

/**
 * stdout for logs that can never stop the server. pino's own stdout destination flushes synchronously at exit and
 * retries EAGAIN forever, so a log reader that stopped reading (a stalled or dead log shipper) kept SIGTERM from ever
 * ending the process. Here writes are asynchronous, bounded (dropped past 4 MiB), errors (EPIPE when the reader is
 * gone) are ignored, and nothing flushes on exit except {@link exitAfterFlushingLogs}, which gives up after 1 s.
 */
function createStdoutDestination(): DestinationStream {
  const stream = new SonicBoom({ fd: process.stdout.fd ?? 1, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
  stream.on("error", () => {});
  return stream;
}

/** Structured JSON logs on stdout (or `destination`, which tests use to read the lines back). */
export function createLogger(level: string, destination: DestinationStream = createStdoutDestination()): Logger {
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

/**
 * Exits once the logger's buffered lines are written, or after 1 s if stdout does not take them: the last lines
 * ("exiting", a fatal error) usually arrive, and a broken log destination never keeps the process alive.
 */
export function exitAfterFlushingLogs(logger: Logger, code: number): void {
  setTimeout(() => process.exit(code), EXIT_FLUSH_TIMEOUT_MS);
  try {
    logger.flush(() => process.exit(code));
  } catch {
    process.exit(code);
  }
}
