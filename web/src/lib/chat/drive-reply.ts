import type { ChatClient, MessageStream, ReconnectOptions, SendMessageRequest, StreamEvent } from "streaming-chat/sdk";
import { ChatSdkError } from "streaming-chat/sdk";
import type { StreamDebugLog } from "../debug/stream-debug-log.js";
import type { StreamSlots } from "../slots/create-stream-slots.js";
import { sleep } from "./abortable.js";
import { applyStreamEvent } from "./apply-stream-event.js";
import type { MessageFailure } from "./chat-message.js";
import { readingStatus, type ChatStatus } from "./chat-status.js";
import { interruptedByReload, replyExpired } from "./describe-failure.js";
import { describeReadFailure, reconnectDelayMs } from "./reconnect-policy.js";
import type { Interruption, ReplyRun } from "./reply-run.js";

/** How often the id of a reply being sent is looked for, until the answer's headers bring it (see {@link readNamed}). */
const NAME_POLL_MS = 50;

/** What {@link driveReply} needs from the session whose reply it reads. */
export interface ReplyHost {
  client: ChatClient;
  slots: StreamSlots;
  reconnect: ReconnectOptions | undefined;
  /** Records each reply's steps when the debug switch is on. */
  debug: StreamDebugLog | undefined;
  /** Whether the conversation is on screen. */
  inView(): boolean;
  /** True while the page is being closed or reloaded (the browser then cuts the requests itself). */
  isLeaving(): boolean;
  /** Shows what the reply is doing, if it is still the session's reply in progress. */
  setStatus(run: ReplyRun, status: ChatStatus): void;
  /** A token, or a piece of reasoning, was applied to the reply. */
  tokenApplied(run: ReplyRun): void;
  /** The server named the reply: any page can re-attach to it from now on. */
  named(run: ReplyRun): void;
  /** The person sees the reply end (complete, stopped or failed). */
  ended(run: ReplyRun): void;
}

/** Asks the server to stop the reply wherever it runs, and stops reading it here. */
export function stopOnServer(run: ReplyRun, client: ChatClient, messageId: string): void {
  run.interrupt("stop");
  // The reply already shows as stopped; a server that cannot be told lets the reply run out, or expire, on its own.
  client.stopMessage(messageId).catch(() => {});
}

/**
 * Reads the reply until it ends: first the POST (when this page sends it), then, whenever that connection is gone
 * (dropped, let go out of view, or never held because no slot was free), `resumeMessage` after the last event
 * applied, once a slot is held. Never throws.
 */
export async function driveReply(run: ReplyRun, host: ReplyHost, request?: SendMessageRequest): Promise<void> {
  let failures = 0;
  let post = request;
  host.debug?.record(run, "start", `origin=${run.origin}`);
  try {
    while (!run.over) {
      const signal = run.nextStep();
      try {
        let events: AsyncIterable<StreamEvent>;
        if (post) {
          events = await startPost(run, host, post, signal);
          post = undefined;
          // Stopped before the request went out: nothing was started, so nothing is sent.
          if (run.over) break;
        } else {
          await holdSlot(run, host, signal);
          host.setStatus(run, failures > 0 ? "reconnecting" : readingStatus(run.reply));
          host.debug?.record(run, "resume", `after=${run.reply.lastEventId ?? "-"}`);
          events = host.client.resumeMessage(run.reply.messageId!, { lastEventId: run.reply.lastEventId, signal, requestId: run.requestId });
        }
        for await (const event of events) {
          if (run.over) break;
          failures = 0;
          if (apply(run, host, event)) break;
        }
        // E.g. the server's 204 to a reader that claims to have every event, yet never saw the last one.
        if (!run.over) throw new ChatSdkError("stream_interrupted", "The stream ended without a final event.");
      } catch (error) {
        if (run.over) break;
        if (signal.aborted) {
          if ((signal.reason as Interruption) === "detach") run.releaseLease();
          continue;
        }
        failures += 1;
        const waitMs = afterFailure(run, host, error, failures);
        if (waitMs === null) break;
        host.debug?.record(run, "reconnect", `attempt=${failures} wait=${Math.round(waitMs)} ms reason=${describeError(error)}`);
        host.setStatus(run, "reconnecting");
        await sleep(waitMs, run.nextStep()).catch(() => {});
      }
    }
  } finally {
    if (run.over && !run.cancelled) host.ended(run);
    host.debug?.record(run, "end", `outcome=${describeOutcome(run)}`);
    run.close();
  }
}

/** How the reply ended for this page, for the debug log. */
function describeOutcome(run: ReplyRun): string {
  if (run.cancelled) return "replaced-by-other-tab";
  const { state, failure } = run.reply;
  if (state === "streaming") return "left-to-server";
  return failure ? `${state} code=${failure.code}` : state;
}

function describeError(error: unknown): string {
  return error instanceof ChatSdkError
    ? `${error.type}${error.status === undefined ? "" : `/${error.status}`}`
    : error instanceof Error
      ? error.name
      : "unknown";
}

/** Starts the POST; with no slot free the reply is still started (the server generates it), then let go once named. */
async function startPost(run: ReplyRun, host: ReplyHost, request: SendMessageRequest, signal: AbortSignal): Promise<AsyncIterable<StreamEvent>> {
  // Set before anything is awaited: from here on, a change of view must not abort the request before it is named.
  run.posting = true;
  run.lease = await host.slots.tryTake("view");
  if (!run.lease) host.setStatus(run, "queued");
  const stream = host.client.streamMessage(request, { resumable: true, signal, requestId: run.requestId });
  return readNamed(run, host, stream);
}

/**
 * The POST's events, learning the reply's id as early as possible. The SDK tells it only through `messageId`, set
 * when the answer's headers arrive, which may be long before the first event (a model thinking): polled, so the
 * reply is saved with its id (a reload can re-attach), can be stopped on the server, and a reply with no slot lets
 * go of its connection without waiting for a token.
 */
async function* readNamed(run: ReplyRun, host: ReplyHost, stream: MessageStream): AsyncGenerator<StreamEvent, void, undefined> {
  const learn = () => {
    if (stream.messageId === undefined) return;
    clearInterval(poll);
    named(run, host, stream.messageId);
  };
  const poll = setInterval(learn, NAME_POLL_MS);
  try {
    for await (const event of stream) {
      learn();
      yield event;
    }
  } finally {
    clearInterval(poll);
    run.posting = false;
  }
}

function named(run: ReplyRun, host: ReplyHost, messageId: string): void {
  if (run.reply.messageId !== undefined) return;
  run.posting = false;
  run.reply.messageId = messageId;
  host.debug?.record(run, "named");
  if (run.stopped) return stopOnServer(run, host.client, messageId);
  host.named(run);
  // The page that sent a reply is the one to read it when nobody looks at it: it claims that first.
  void run.requestClaim(host.slots);
  if (!run.lease || (!host.inView() && !run.lease.shared)) run.interrupt("detach");
}

/** Holds a slot for reading, waiting (as `queued`, or `detached` out of view) until one frees. */
async function holdSlot(run: ReplyRun, host: ReplyHost, signal: AbortSignal): Promise<void> {
  const inView = host.inView();
  // Out of view a reply reads only on a shared slot, and only in the page holding its claim.
  if (run.lease && !inView && (!run.lease.shared || !run.claimed)) run.releaseLease();
  if (run.lease) return;
  run.lease = await host.slots.tryTake(inView ? "view" : "background");
  if (run.lease && (inView || run.claimed)) return;
  run.releaseLease();
  if (inView) {
    host.setStatus(run, "queued");
    run.lease = await host.slots.take("view", signal);
  } else {
    host.setStatus(run, "detached");
    await run.claim(host.slots, signal);
    run.lease = await host.slots.take("background", signal);
  }
}

/**
 * The conversation left the view while its reply holds a slot it cannot keep there (one kept for replies in view, or
 * any slot without the reply's claim): moves to a shared slot, or lets go of its stream.
 */
export async function moveOutOfView(run: ReplyRun, host: ReplyHost): Promise<void> {
  const held = run.lease;
  const shared = run.claimed && held && !held.shared ? await host.slots.tryTake("background") : null;
  // The view, the run or its slot may have changed while the slot was asked for.
  if (host.inView() || run.over || run.lease !== held || !held) return shared?.release();
  if (shared) {
    run.lease = shared;
    held.release();
  } else if (!held.shared || !run.claimed) {
    run.interrupt("detach");
  }
}

/** Applies one event; returns whether the reply ended. */
function apply(run: ReplyRun, host: ReplyHost, event: StreamEvent): boolean {
  run.thinking.observe(run.reply, event);
  const ended = applyStreamEvent(run.reply, event, run.requestId);
  if (event.type === "token" || event.type === "reasoning") {
    if (event.type === "token") run.timer?.token();
    else run.timer?.reasoning();
    host.debug?.record(run, event.type === "token" ? "first token" : "first reasoning");
    // A queued reply's POST may bring a token before it lets go: it stays shown as queued.
    if (run.lease) host.setStatus(run, readingStatus(run.reply));
    host.tokenApplied(run);
  }
  // Ended now, not after the connection closes: a tab closed in between must not keep it as streaming.
  if (ended) host.ended(run);
  return ended;
}

/** What a failed read means: how long to wait before picking the reply up again, or null when it ended the reply. */
function afterFailure(run: ReplyRun, host: ReplyHost, error: unknown, failures: number): number | null {
  const named = run.reply.messageId !== undefined;
  if (host.isLeaving()) {
    // The browser cuts the page's requests as it goes. A named reply is saved as streaming, and the next page
    // re-attaches to it; should this page stay after all, it simply reconnects.
    if (named) return reconnectDelayMs(failures, host.reconnect);
    return fail(run, interruptedByReload());
  }
  const outcome = describeReadFailure(error, { named, failures, reconnect: host.reconnect });
  if (outcome.kind === "retry") return outcome.waitMs;
  if (outcome.kind === "expired") return fail(run, run.origin === "loaded" ? interruptedByReload() : replyExpired());
  return fail(run, { requestId: run.requestId, ...outcome.failure });
}

function fail(run: ReplyRun, failure: MessageFailure): null {
  run.reply.state = "error";
  run.reply.failure = failure;
  return null;
}
