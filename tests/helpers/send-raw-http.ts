import { connect } from "node:net";

export interface RawHttpAnswer {
  status: number;
  /** Header names in lower case; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  raw: string;
}

/**
 * Sends `head` (request line and headers, without the blank line) and `body` as bytes on a fresh socket, for what
 * fetch and Node's client refuse to send (repeated or non-ASCII headers), and reads the answer until the server
 * closes. Sends `Connection: close` itself.
 */
export function sendRawHttp(baseUrl: string, head: string, body = ""): Promise<RawHttpAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const length = Buffer.byteLength(body, "latin1");
      socket.write(`${head}\r\nConnection: close\r\nContent-Length: ${length}\r\n\r\n${body}`, "latin1");
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = text.slice(0, split < 0 ? text.length : split).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      resolve({ status: Number(statusLine.split(" ")[1] ?? 0), headers, raw: split < 0 ? "" : text.slice(split + 4) });
    });
  });
}
