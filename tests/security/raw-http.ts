/**
 * HTTP the way an attacker writes it: raw bytes on a TCP socket, so requests can be half-sent, malformed or
 * header-injected (fetch refuses to send any of that), and so a test sees exactly what the server answers and when
 * it closes the connection.
 */
import { execFileSync } from "node:child_process";
import { connect, type Socket } from "node:net";

/** One raw connection and what the server did with it. */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent, as latin1 (byte for byte). */
  received(): string;
  /** `performance.now()` when the connection closed, if it has. */
  closedAt: number | undefined;
  /** Resolves when the connection closes, whoever closed it. */
  closed: Promise<number>;
}

function parseTarget(baseUrl: string): { host: string; port: number } {
  const url = new URL(baseUrl);
  return { host: url.hostname, port: Number(url.port) };
}

/** Opens a TCP connection to the server and resolves once it is connected. */
export function openConnection(baseUrl: string): Promise<RawConnection> {
  const { host, port } = parseTarget(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    const connection: RawConnection = {
      socket,
      received: () => Buffer.concat(chunks).toString("latin1"),
      closedAt: undefined,
      closed: new Promise((settle) =>
        socket.once("close", () => {
          connection.closedAt = performance.now();
          settle(connection.closedAt);
        }),
      ),
    };
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A reset (the server dropping us) is an outcome the tests look at, not an error to throw.
    socket.on("error", () => {});
    socket.once("connect", () => resolve(connection));
    socket.once("error", reject);
  });
}

/** Sends `bytes` on a new connection and resolves with everything the server sent once it closes (or `timeoutMs` passes). */
export async function exchangeRaw(baseUrl: string, bytes: string | Buffer, timeoutMs = 10_000): Promise<{ response: string; closed: boolean }> {
  const connection = await openConnection(baseUrl);
  connection.socket.write(bytes);
  const timedOut = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref());
  const outcome = await Promise.race([connection.closed, timedOut]);
  connection.socket.destroy();
  return { response: connection.received(), closed: outcome !== "timeout" };
}

/** The status line's code of a raw HTTP response, e.g. 408. */
export function statusOf(response: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3}) /.exec(response);
  return match ? Number(match[1]) : undefined;
}

/** A response's head, as lower-cased header name → value (the last one of a repeated header). */
export function headersOf(response: string): Map<string, string> {
  const head = response.split("\r\n\r\n", 1)[0] ?? "";
  const headers = new Map<string, string>();
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * The soft limit on open files of processes this test starts (Node raises its own to the hard limit at startup, and
 * children inherit it): each of the test process and the server holds one descriptor per connection.
 */
export function readOpenFileLimit(): number {
  const raw = execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
  return raw === "unlimited" ? Number.POSITIVE_INFINITY : Number(raw);
}
