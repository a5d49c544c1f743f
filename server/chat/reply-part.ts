import type { Usage } from "../../contract/index.js";

/**
 * What a model's reply streams as: each non-empty piece of its answer (`token`) or, only when the request asked for it,
 * of its thinking (`reasoning`), in the model's order, then one `finish`.
 */
export type ReplyPart = { type: "token"; content: string } | { type: "reasoning"; content: string } | { type: "finish"; finishReason: string; usage?: Usage };
