import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatTurn, SendMessageRequest } from "../../contract/index.js";

const BY_ROLE: Record<ChatTurn["role"], (content: string) => BaseMessage> = {
  user: (content) => new HumanMessage(content),
  assistant: (content) => new AIMessage(content),
  system: (content) => new SystemMessage(content),
};

/** The request's history, oldest first, then the new user message. */
export function toLangChainMessages(request: SendMessageRequest): BaseMessage[] {
  const history = (request.history ?? []).map((turn) => BY_ROLE[turn.role](turn.content));
  return [...history, new HumanMessage(request.message)];
}
