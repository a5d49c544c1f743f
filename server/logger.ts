import { fstatSync } from "node:fs";
import { Socket } from "node:net";
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

/** A log destination pino can write to and `logger.flush(cb)` can wait on. */
interface FlushableDestination extends DestinationStream {
  flush(callback: (error?: Error) => void): void;
}

/**
 * stdout as a non-blocking socket, when it is a pipe or a socket (a log shipper, `| tee`, a container runtime).
 * `process.stdout` is not used: Node makes a piped stdout blocking, so once the reader stopped reading a write blocked
 * a thread forever and the process could not exit (measured: SIGTERM never ended it). Lines beyond 4 MiB waiting to
 * be read are dropped rather than queued, and errors (EPIPE once the reader is gone) are ignored.
 */
function createPipeDestination(fd: number): FlushableDestination {
  const socket = new Socket({ fd, readable: false, writable: true });
  socket.on("error", () => {});
  return {
    write(line: string) {
      if (!socket.destroyed && socket.writableLength < MAX_BUFFERED_LOG_BYTES) socket.write(line);
    },
    flush(callback) {
      if (socket.destroyed || socket.writableLength === 0) callback();
      else socket.once("drain", () => callback());
    },
  };
}

/**
 * stdout for logs that can never stop the server. pino's own stdout destination flushes synchronously at exit and
 * retries EAGAIN forever, so a log reader that stopped reading kept SIGTERM from ever ending the process. A pipe or
 * socket gets {@link createPipeDestination}; a file or a terminal (which do not stall) gets sonic-boom, asynchronous,
 * with no flush on exit but {@link exitAfterFlushingLogs}, which gives up after 1 s.
 */
function createStdoutDestination(): DestinationStream {
  const fd = 1;
  try {
    const stat = fstatSync(fd);
    if (stat.isFIFO() || stat.isSocket()) return createPipeDestination(fd);
  } catch {
    // not a pipe we can open as a socket: fall through
  }
  // minLength 1 writes every line at once, and is what makes flush(cb) wait for the buffer (with 0 it returns at once).
  const stream = new SonicBoom({ fd, sync: false, minLength: 1, maxLength: MAX_BUFFERED_LOG_BYTES });
  stream.on("error", () => {});
  return stream;
}

/** What a secret is replaced with in a log line. */
export const REDACTED = "[REDACTED]";
/** Shorter values are not searched for: they would blank out ordinary words, and are no secret worth the name. */
const MIN_SECRET_LENGTH = 8;

/**
 * Replaces every secret in a finished log line. Here, on the serialised line, rather than by field: a secret turns up
 * where nobody expected it, such as the provider's own error message quoting the key ("Incorrect API key provided:
 * sk-…"), inside the error's message, its stack and its parsed body, all of which are logged with a failure.
 */
function createSecretRedactor(secrets: readonly string[]): ((line: string) => string) | undefined {
  // As they appear in a JSON string too, for a secret holding a quote or a backslash.
  const needles = [
    ...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH).flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)])),
  ];
  if (needles.length === 0) return undefined;
  return (line) => needles.reduce((redacted, needle) => (redacted.includes(needle) ? redacted.replaceAll(needle, REDACTED) : redacted), line);
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Values that must never appear in a log line (the provider key, Redis's password): each becomes `[REDACTED]`. */
  secrets?: readonly string[];
}

/** Structured JSON logs on stdout (or `destination`, which tests use to read the lines back). */
export function createLogger(level: string, destination: DestinationStream = createStdoutDestination(), { secrets = [] }: LoggerOptions = {}): Logger {
  const redactSecrets = createSecretRedactor(secrets);
  return pino(
    {
      level,
      base: { service: "streaming-chat" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Reply text must reach the logs only through LOG_CONTENT, never inside a serialised error.
      redact: { paths: ["err.partialContent", "err.extra", "err.cause.partialContent"], remove: true },
      ...(redactSecrets ? { hooks: { streamWrite: redactSecrets } } : {}),
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
