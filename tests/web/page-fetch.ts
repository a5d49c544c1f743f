/**
 * A browser page's `fetch`, over the real network, for the UI's state classes under test: it records every request,
 * and on the test's word refuses some, holds answers back, cuts a response body mid-stream as a dropped connection
 * would, or closes the page: its requests are cut, and any later one never answers, as nothing runs in a page that
 * is gone.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createChatClient, type ChatClient, type ReconnectOptions } from "../../sdk/index.js";

/** A request the page made. */
export interface SeenRequest {
  method: string;
  path: string;
  /** Its `Last-Event-ID` header. */
  lastEventId: string | null;
  /** Its JSON body, if it had one. */
  body: Record<string, unknown> | null;
}

export interface PageFetchOptions {
  /** Cut this request's response body after this many SSE frames (heartbeats not counted). */
  cutAfterFrames?: (request: SeenRequest) => number | undefined;
  /** Fail this request as the network would, without sending it. */
  refuse?: (request: SeenRequest) => boolean;
  /** Hold this request's response back this long, in ms (the server has answered; the page does not know yet). */
  holdMs?: (request: SeenRequest) => number | undefined;
}

export interface PageFetch {
  fetch: typeof fetch;
  requests: SeenRequest[];
  /** The page goes away: open requests are cut, later ones hang. */
  close(): void;
}

function cutBody(body: ReadableStream<Uint8Array>, afterFrames: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const frames = () => text.split("\n\n").filter((frame, index, all) => index < all.length - 1 && !frame.startsWith(":")).length;
  return new ReadableStream({
    async pull(controller) {
      if (frames() >= afterFrames) {
        await reader.cancel();
        return controller.error(new TypeError("terminated: the test cut the connection"));
      }
      const { done, value } = await reader.read();
      if (done) return controller.close();
      text += decoder.decode(value, { stream: true });
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export function createPageFetch(options: PageFetchOptions = {}): PageFetch {
  const requests: SeenRequest[] = [];
  const page = new AbortController();
  const pageFetch: typeof fetch = async (input, init) => {
    if (page.signal.aborted) return new Promise<never>(() => {});
    const request = new Request(input, init);
    const text = request.body ? await request.clone().text() : "";
    const seen: SeenRequest = {
      method: request.method,
      path: new URL(request.url).pathname,
      lastEventId: request.headers.get("last-event-id"),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    };
    requests.push(seen);
    if (options.refuse?.(seen)) throw new TypeError("fetch failed: the test refused the request");
    const response = await fetch(request, { signal: AbortSignal.any([request.signal, page.signal]) });
    const holdMs = options.holdMs?.(seen);
    if (holdMs) await sleep(holdMs);
    const cutAfter = options.cutAfterFrames?.(seen);
    if (cutAfter === undefined || !response.body) return response;
    return new Response(cutBody(response.body, cutAfter), { status: response.status, headers: response.headers });
  };
  return { fetch: pageFetch, requests, close: () => page.abort(new TypeError("the page was closed")) };
}

/** A client as the app makes it: the session, not the SDK, reconnects, so it can say "Reconnecting…". */
export function pageClient(baseUrl: string, page: PageFetch, reconnect: ReconnectOptions = { maxAttempts: 0 }): ChatClient {
  return createChatClient({ baseUrl, fetch: page.fetch, reconnect });
}

/** The requests that asked the server to stop a reply, by the reply's id. */
export function stopRequests(page: PageFetch): string[] {
  return page.requests.flatMap(({ method, path }) => {
    const match = method === "POST" ? /^\/api\/v1\/messages\/([^/]+)\/stop$/.exec(path) : null;
    return match ? [decodeURIComponent(match[1]!)] : [];
  });
}
