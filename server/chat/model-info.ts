import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { ModelInfo } from "../../sdk/types.js";

/** The model the server talks to, with the public description the contract reports. */
export interface ChatModelHandle {
  model: BaseChatModel;
  info: ModelInfo;
}
