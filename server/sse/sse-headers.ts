/**
 * Headers of every SSE response. `no-transform` stops proxies from compressing (and so buffering) the
 * stream; `X-Accel-Buffering: no` does the same for nginx.
 */
export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
} as const;
