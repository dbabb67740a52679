import { beforeAll, describe, expect, it } from "vitest";
import { callEdge, createKey, keyHeaders, post, recordedFor, uniqueId } from "./support/edge.js";

let key: string;
beforeAll(async () => {
  ({ key } = await createKey());
});

/** What the healthy test-double worker received for one request. */
const forwardedBody = async (path: string, body: unknown) => {
  const requestId = uniqueId();
  const { response } = await post(path, key, body, {}, requestId);
  expect(response.status).toBe(200);
  const [recorded] = await recordedFor(requestId);
  return recorded?.body;
};

describe("models served by name: the public id maps to the worker's model directory", () => {
  it("GET /v1/models lists unmask-diffusion-fast as a diffusion model", async () => {
    const { response } = await callEdge("/v1/models", { headers: keyHeaders(key) });
    const { data } = await response.json<{ data: Array<Record<string, unknown>> }>();
    expect(data.find((model) => model.id === "unmask-diffusion-fast")).toEqual({
      id: "unmask-diffusion-fast", object: "model", created: 0, owned_by: "unmask", kind: "diffusion", context_length: 256,
    });
  });

  it.each([
    ["unmask-diffusion", "diffusion", "diffusion"],
    ["unmask-diffusion-fast", "diffusion", "diffusion-fast"],
    ["unmask-ar", "ar", "ar"],
  ])("/v1/completions with %s asks the worker for mode %s, model %s", async (id, mode, model) => {
    expect(await forwardedBody("/v1/completions", { model: id, prompt: "Once", max_tokens: 8 })).toMatchObject({ mode, model });
  });

  it("the completion names the public model", async () => {
    const { response } = await post("/v1/completions", key, { model: "unmask-diffusion-fast", prompt: "Once", max_tokens: 8 });
    expect(await response.json()).toMatchObject({ model: "unmask-diffusion-fast", object: "text_completion" });
  });

  it("native /v1/generate takes the public id in model; without it, the mode's first model", async () => {
    expect(await forwardedBody("/v1/generate", { prompt: "Once", mode: "diffusion", model: "unmask-diffusion-fast", maxTokens: 8 }))
      .toMatchObject({ mode: "diffusion", model: "diffusion-fast" });
    expect(await forwardedBody("/v1/generate", { prompt: "Once", mode: "diffusion", maxTokens: 8 })).toMatchObject({ model: "diffusion" });
    expect(await forwardedBody("/v1/generate", { prompt: "Once", mode: "ar", maxTokens: 8 })).toMatchObject({ model: "ar" });
  });

  it.each([
    [{ model: "diffusion-fast" }, "unknown_model", /The model "diffusion-fast" is not served here; choose one of: unmask-diffusion, unmask-diffusion-fast, unmask-ar\./],
    [{ model: "unmask-ar" }, "invalid_parameter", /The model "unmask-ar" is an autoregressive model, but "mode" is "diffusion"\./],
    [{ model: 3 }, "invalid_parameter", /model/],
  ])("native /v1/generate with %j is a 400 %s naming model, never forwarded", async (fields, code, message) => {
    const requestId = uniqueId();
    const { response } = await post("/v1/generate", key, { prompt: "Once", mode: "diffusion", maxTokens: 8, ...fields }, {}, requestId);
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; field: string; message: string } }>();
    expect(error).toMatchObject({ code, field: "model" });
    expect(error.message).toMatch(message);
    expect(await recordedFor(requestId)).toEqual([]);
  });
});
