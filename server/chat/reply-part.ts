import type { Usage } from "../../contract/index.js";

/** What a model's reply streams as: each non-empty piece of text, then one `finish`. */
export type ReplyPart = { type: "token"; content: string } | { type: "finish"; finishReason: string; usage?: Usage };
