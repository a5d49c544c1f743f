/**
 * Type-level tests of the typed operation layer (server/operations/): never run, only compiled (the "types" project
 * and `npm run typecheck`). Each `@ts-expect-error` is an answer the spec does not document; if the layer loosens so
 * that one compiles, the unused directive fails the build.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { ModelInfo, OperationId, RequestBody, SendMessageRequest } from "../../contract/index.js";
import type { ChatClient } from "../../sdk/index.js";
import type { FailureCodeOf, OperationDefinition, OperationDefinitions } from "../../server/operations/mount-operations.js";
import type { OperationResponse } from "../../server/operations/operation-response.js";

declare const sendMessage: OperationResponse<"sendMessage">;
declare const getHealth: OperationResponse<"getHealth">;
declare const getMetrics: OperationResponse<"getMetrics">;
declare const model: ModelInfo;
const streaming = { heartbeatMs: 1_000, stallTimeoutMs: 1_000 };

describe("an operation's response", () => {
  it("answers JSON only with a status the spec documents for it, and with that status's body", () => {
    getHealth.json(200, { status: "ok", model, auth: "none" });
    getHealth.json(500, { error: { code: "internal", message: "A bug." } });
    // @ts-expect-error getHealth documents no 201
    getHealth.json(201, { status: "ok", model, auth: "none" });
    // @ts-expect-error getHealth documents no 503
    getHealth.json(503, { error: { code: "overloaded", message: "Busy." } });
    // @ts-expect-error Health has no field uptimeSeconds
    getHealth.json(200, { status: "ok", model, auth: "none", uptimeSeconds: 3 });
    // @ts-expect-error Health's status is the literal "ok"
    getHealth.json(200, { status: "fine", model });
    // @ts-expect-error a 500 answers ErrorResponse, not Health
    getHealth.json(500, { status: "ok", model });
  });

  it("streams events only where the spec documents text/event-stream, and text only where it documents text/plain", () => {
    sendMessage.eventStream(200, streaming);
    getMetrics.text(200, "chat_streams_active 0\n");
    // @ts-expect-error getHealth answers no event stream
    getHealth.eventStream(200, streaming);
    // @ts-expect-error sendMessage's 400 is JSON, not a stream
    sendMessage.eventStream(400, streaming);
    // @ts-expect-error getHealth answers no text/plain
    getHealth.text(200, "ok");
    // @ts-expect-error getMetrics answers no JSON at 200
    getMetrics.json(200, {});
  });
});

describe("an operation's definition", () => {
  it("may only list failures whose status the spec documents for the operation, internal first", () => {
    expectTypeOf<FailureCodeOf<"getHealth">>().toEqualTypeOf<"internal">();
    expectTypeOf<"upstream_timeout">().toExtend<FailureCodeOf<"sendMessage">>();
    expectTypeOf<"not_found">().not.toExtend<FailureCodeOf<"sendMessage">>();

    const handle = () => undefined;
    const documented: OperationDefinition<"getHealth"> = { failures: ["internal"], handle };
    // @ts-expect-error getHealth documents no 503, so it cannot fail as overloaded
    const undocumented: OperationDefinition<"getHealth"> = { failures: ["internal", "overloaded"], handle };
    // @ts-expect-error internal must be listed: anything unexpected is answered as internal
    const withoutInternal: OperationDefinition<"sendMessage"> = { failures: ["invalid_request"], handle };
    expectTypeOf([documented, undocumented, withoutInternal]).toBeArray();
  });

  it("hands the handler the request body the spec documents, already validated", () => {
    expectTypeOf<RequestBody<"sendMessage">>().toEqualTypeOf<SendMessageRequest>();
    expectTypeOf<RequestBody<"getHealth">>().toEqualTypeOf<undefined>();
  });
});

describe("operation ids", () => {
  it("name one server definition per operation of the spec, no more and no fewer", () => {
    expectTypeOf<keyof OperationDefinitions>().toEqualTypeOf<OperationId>();
  });

  it("name the SDK's methods: every operation a client calls has a method of that name", () => {
    // getMetrics is for Prometheus, the probes for orchestrators: not for chat clients.
    expectTypeOf<Exclude<OperationId, "getMetrics" | "getLiveness" | "getReadiness">>().toExtend<keyof ChatClient>();
  });
});
