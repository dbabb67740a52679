// The Unmask playground: a plain ES module. It calls this edge's native `POST /v1/generate` with
// `stream: true` and animates every `event: step` frame. EventSource cannot send an Authorization
// header, so the stream is read with fetch and @unmask/wire's SSE parser; wire's GPT-2 byte table
// decodes the tokenizer's pieces. Both come from ./vendor/wire.js, which wrangler bundles from
// packages/wire before it serves this folder (apps/edge/scripts/bundleWire.mjs).
import { BYTE_OF_CHAR, EVENT_STREAM_TYPE, readServerSentEvents } from "./vendor/wire.js";

const KEY_STORAGE = "unmask.apiKey";
/** Form fields that make up a run; also the URL parameters that reproduce it. */
const FIELDS = ["prompt", "suffix", "model", "maxTokens", "steps", "blockLength", "remasking", "threshold", "factor", "temperature", "cache", "seed"];
const NUMERIC = new Set(["maxTokens", "steps", "blockLength", "threshold", "factor", "temperature", "seed"]);
const MASK_TEXT = "[MASK]";

const $ = (selector, root = document) => root.querySelector(selector);
const form = $("#run-form");
const field = (name) => form.elements.namedItem(name);

// ---------------------------------------------------------------------------------------------
// Token pieces: the shipped byte-level BPE tokenizer (served next to this page) turns the ids of
// a frame into one label per cell. Without it, cells still show their state, and the text line
// below the canvas (decoded by the worker) stays exact.

const vocabulary = {
  pieces: /** @type {string[]} */ ([]),
  maskId: 4094,
  eosId: 4093,
  padId: 4095,
  loaded: false,
};

const loadVocabulary = async () => {
  try {
    const response = await fetch("/tokenizer.json");
    if (!response.ok) return;
    const tokenizer = await response.json();
    const decoder = new TextDecoder();
    for (const [piece, id] of Object.entries(tokenizer.model?.vocab ?? {})) {
      vocabulary.pieces[id] = decoder.decode(Uint8Array.from([...piece].map((ch) => BYTE_OF_CHAR.get(ch) ?? 63)));
    }
    for (const token of tokenizer.added_tokens ?? []) {
      vocabulary.pieces[token.id] = token.content;
      if (token.content === "[MASK]") vocabulary.maskId = token.id;
      if (token.content === "<|endoftext|>") vocabulary.eosId = token.id;
      if (token.content === "[PAD]") vocabulary.padId = token.id;
    }
    vocabulary.loaded = true;
  } catch {
    // Cells fall back to a dot per committed token.
  }
};

/** What a cell shows for a token id: whitespace made visible, specials abbreviated. */
const cellLabel = (id) => {
  if (id === vocabulary.eosId) return "EOS";
  if (id === vocabulary.padId) return "PAD";
  const piece = vocabulary.pieces[id];
  if (piece === undefined) return "·";
  // A leading space is the word boundary of byte-level BPE; the text line below keeps it exact.
  return piece.replace(/^ (?=\S)/, "").replace(/\n/g, "↵").replace(/\t/g, "⇥").replace(/ /g, "\u00a0") || "·";
};

/** A failed request, told the way the API tells it: `{error: {code, message, field?}}`. */
class RunError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.code = code;
    this.status = extra.status;
    this.field = extra.field;
    this.retryAfter = extra.retryAfter;
  }
}

const errorFromResponse = async (response) => {
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = body?.error ?? {};
  return new RunError(error.code ?? `http_${response.status}`, error.message ?? `The edge answered ${response.status} ${response.statusText}.`, {
    status: response.status,
    field: error.field,
    retryAfter: response.headers.get("retry-after") ?? undefined,
  });
};

// ---------------------------------------------------------------------------------------------
// A run panel: canvas of cells, stats, chart of tokens committed per step, text.

const SVG = "http://www.w3.org/2000/svg";
const formatMs = (ms) => (ms === undefined ? "–" : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

class RunPanel {
  constructor(element, title) {
    this.element = element;
    this.title = title;
    this.mode = element.dataset.mode;
    const id = `run-${this.mode}`;
    element.innerHTML = `
      <header class="run-head">
        <h2 id="${id}-title">${title}</h2>
        <p class="status" id="${id}-status" aria-live="polite">Idle</p>
      </header>
      <dl class="stats">
        <div><dt>Step</dt><dd data-stat="step">–</dd></div>
        <div><dt>NFE</dt><dd data-stat="nfe">–</dd></div>
        <div><dt>First frame</dt><dd data-stat="ttff">–</dd></div>
        <div><dt>Total</dt><dd data-stat="total">–</dd></div>
        <div><dt>Tokens/s</dt><dd data-stat="rate">–</dd></div>
      </dl>
      <div class="cells" role="img" aria-label="${title} canvas: one cell per generated token"></div>
      <figure class="chart-box">
        <svg class="chart" viewBox="0 0 1 1" preserveAspectRatio="none" role="img" aria-label="Tokens committed per step"><g class="bars"></g></svg>
        <figcaption>Tokens committed per step <span class="chart-max"></span></figcaption>
      </figure>
      <p class="text-label" id="${id}-text-label">Text</p>
      <output class="text" aria-labelledby="${id}-text-label"></output>`;
    this.cellsBox = $(".cells", element);
    this.bars = $(".bars", element);
    this.chart = $(".chart", element);
    this.text = $(".text", element);
    this.status = $(".status", element);
    this.stats = Object.fromEntries([...element.querySelectorAll("[data-stat]")].map((dd) => [dd.dataset.stat, dd]));
  }

  setState(state, status) {
    this.element.dataset.state = state;
    this.status.textContent = status;
  }

  /**
   * A fresh canvas of `length` cells for a run of `expectedSteps` steps (a guess when dynamic), titled
   * with its model. With a `suffix` (infilling), the first frame lays out the whole canvas.
   */
  start(length, expectedSteps, prompt, model, suffix = "") {
    $("h2", this.element).textContent = model ? `${this.title} · ${model}` : this.title;
    this.length = length;
    this.expectedSteps = expectedSteps;
    this.prompt = prompt;
    this.suffix = suffix;
    this.element.dataset.fixed = "0";
    this.frames = 0;
    this.maxCommitted = 1;
    this.firstFrameMs = undefined;
    this.layOutCells(length);
    this.bars.replaceChildren();
    this.updateChartScale();
    for (const dd of Object.values(this.stats)) dd.textContent = "–";
    this.renderText("");
    delete this.element.dataset.step;
    this.element.dataset.frames = "0";
    this.element.dataset.masks = String(this.mode === "ar" ? 0 : length);
    this.setState("running", "Waiting for the first frame…");
  }

  /** `length` masked cells; `fixedAt(i)` marks the cells of fixed spans (an infilling canvas). */
  layOutCells(length, fixedAt = () => false) {
    this.cellsBox.replaceChildren(
      ...Array.from({ length }, (_, i) => {
        const cell = document.createElement("span");
        const state = fixedAt(i) ? "fixed" : "mask";
        cell.className = `cell ${state}`;
        cell.dataset.state = state;
        cell.title = `position ${i}`;
        return cell;
      }),
    );
    this.cells = [...this.cellsBox.children];
  }

  /**
   * An infilling frame (`canvas` + `fixed`): the whole canvas, fixed spans drawn as given text,
   * every other cell one generated position in `tokens` order. Returns the cell of each generated position.
   */
  canvasCells(frame) {
    const fixedAt = (i) => frame.fixed.some(([start, end]) => i >= start && i < end);
    if (this.cells.length !== frame.canvas.length || this.element.dataset.fixed === "0") {
      this.layOutCells(frame.canvas.length, fixedAt);
      this.element.dataset.fixed = String(frame.fixed.reduce((total, [start, end]) => total + end - start, 0));
    }
    const generatedCells = [];
    frame.canvas.forEach((id, i) => {
      if (fixedAt(i)) this.paintCell(i, "fixed", id);
      else generatedCells.push(i);
    });
    return generatedCells;
  }

  /** Draws one `event: step` frame. */
  frame(frame, elapsedMs) {
    this.frames += 1;
    this.firstFrameMs ??= elapsedMs;
    const committed = new Set(frame.committed);
    const eos = frame.tokens.findIndex((id) => id === vocabulary.eosId);
    const cellOf = frame.canvas === undefined ? undefined : this.canvasCells(frame);
    const generated = cellOf === undefined ? this.cells.length : cellOf.length;
    let masks = 0;
    let settled = 0;
    for (let i = 0; i < generated; i++) {
      const id = frame.tokens[i];
      let state;
      if (id === undefined) state = "empty";
      else if (id === vocabulary.maskId) state = "mask";
      else if (eos !== -1 && i >= eos) state = "special";
      else state = committed.has(i) ? "new" : "filled";
      if (state === "mask") masks += 1;
      else if (state !== "empty") settled += 1;
      this.paintCell(cellOf === undefined ? i : cellOf[i], state, id);
    }
    this.addBar(frame.step, frame.committed.length);
    this.renderText(frame.text);
    const stepOf = this.expectedSteps ? ` / ${this.expectedSteps}` : "";
    this.stats.step.textContent = `${frame.step + 1}${stepOf}`;
    this.stats.nfe.textContent = String(frame.nfe);
    this.stats.ttff.textContent = formatMs(this.firstFrameMs);
    this.stats.total.textContent = formatMs(elapsedMs);
    this.stats.rate.textContent = elapsedMs > 0 ? (settled / (elapsedMs / 1000)).toFixed(1) : "–";
    this.status.textContent = `Step ${frame.step + 1}: ${masks} masked`;
    Object.assign(this.element.dataset, { step: String(frame.step), frames: String(this.frames), masks: String(masks) });
  }

  paintCell(i, state, id) {
    const cell = this.cells[i];
    if (cell.dataset.state !== state) {
      cell.dataset.state = state;
      cell.className = `cell ${state}`;
    }
    const label = state === "mask" || state === "empty" ? "" : cellLabel(id);
    if (cell.textContent !== label) {
      cell.textContent = label;
      const piece = vocabulary.pieces[id];
      cell.title = `position ${i}` + (id === undefined ? "" : `, id ${id}`) + (piece === undefined || state === "mask" ? "" : `: ${JSON.stringify(piece)}`)
        + (state === "fixed" ? " (fixed)" : "");
    }
  }

  addBar(step, count) {
    const bar = document.createElementNS(SVG, "rect");
    bar.setAttribute("x", String(step + 0.1));
    bar.setAttribute("width", "0.8");
    bar.setAttribute("y", "0");
    bar.setAttribute("height", String(count));
    this.bars.append(bar);
    if (count > this.maxCommitted || step + 1 > this.expectedSteps) {
      this.maxCommitted = Math.max(this.maxCommitted, count);
      this.updateChartScale(step + 1);
    }
  }

  updateChartScale(stepsSeen = 0) {
    const width = Math.max(this.expectedSteps || 1, stepsSeen, 1);
    const height = this.maxCommitted;
    this.chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.bars.setAttribute("transform", `matrix(1 0 0 -1 0 ${height})`);
    $(".chart-max", this.element).textContent = `(max ${height})`;
  }

  /** The prompt, then the canvas text with every mask as a dim block, then the ending when infilling. */
  renderText(text) {
    const parts = [Object.assign(document.createElement("span"), { className: "prompt", textContent: this.prompt ?? "" })];
    text.split(MASK_TEXT).forEach((run, i) => {
      if (i > 0) parts.push(Object.assign(document.createElement("span"), { className: "m", textContent: "\u2588", title: "masked" }));
      if (run) parts.push(document.createTextNode(run));
    });
    if (this.suffix) parts.push(Object.assign(document.createElement("span"), { className: "ending", textContent: this.suffix }));
    this.text.replaceChildren(...parts);
  }

  /** The `event: done` answer: final text and totals. */
  finish(answer, elapsedMs) {
    for (const cell of this.cells) {
      if (cell.dataset.state === "new") {
        cell.dataset.state = "filled";
        cell.className = "cell filled";
      }
    }
    this.renderText(answer.text);
    const seconds = elapsedMs / 1000;
    this.stats.nfe.textContent = String(answer.usage.nfe);
    this.stats.step.textContent = String(answer.usage.steps);
    this.stats.ttff.textContent = formatMs(this.firstFrameMs);
    this.stats.total.textContent = formatMs(elapsedMs);
    this.stats.rate.textContent = seconds > 0 ? (answer.usage.completionTokens / seconds).toFixed(1) : "–";
    this.element.dataset.masks = "0";
    const perCall = typeof answer.usage.tokensPerForward === "number" ? `, ${answer.usage.tokensPerForward.toFixed(2)} tokens per call` : "";
    this.setState("done", `Done: ${answer.usage.completionTokens} tokens, ${answer.usage.steps} steps, ${answer.usage.nfe} model calls${perCall} (${answer.finishReason}).`);
  }

  fail(error) {
    this.setState(error.code === "aborted" ? "stopped" : "error", error.code === "aborted" ? "Stopped." : `Failed: ${error.code}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Settings: the form <-> request bodies <-> the URL.

const readSettings = () => {
  const settings = {};
  for (const name of FIELDS) {
    const raw = field(name).value;
    if (name === "prompt") settings.prompt = raw;
    else if (raw.trim() === "") continue;
    else settings[name] = NUMERIC.has(name) ? Number(raw) : raw;
  }
  return settings;
};

const diffusionBody = (s) => {
  const body = { prompt: s.prompt, mode: "diffusion", maxTokens: s.maxTokens, stream: true };
  for (const name of ["model", "suffix", "steps", "blockLength", "remasking", "temperature", "threshold", "factor", "cache", "seed"]) {
    if (s[name] !== undefined) body[name] = s[name];
  }
  return body;
};

/** The AR baseline takes no diffusion parameters (the API refuses them) and no ending: it sees the prompt alone. */
const arBody = (s) => {
  const body = { prompt: s.prompt, mode: "ar", maxTokens: s.maxTokens, stream: true };
  for (const name of ["temperature", "seed"]) if (s[name] !== undefined) body[name] = s[name];
  return body;
};

const writeUrl = (settings, compare) => {
  const params = new URLSearchParams();
  for (const name of FIELDS) if (settings[name] !== undefined) params.set(name, String(settings[name]));
  if (compare) params.set("compare", "1");
  history.replaceState(null, "", `${location.pathname}?${params}`);
};

/** A URL with any run parameter sets every field: absent ones are empty, as they were when shared (the model: the default). */
const readUrl = () => {
  const params = new URLSearchParams(location.search);
  if (!FIELDS.some((name) => params.has(name))) return false;
  for (const name of FIELDS) {
    const input = field(name);
    const value = params.get(name);
    if (input instanceof HTMLSelectElement) {
      if (value !== null && [...input.options].some((option) => option.value === value)) input.value = value;
      else if (value === null && name === "cache") input.value = "";
    } else {
      input.value = value ?? "";
    }
  }
  return params.get("compare") === "1";
};

// ---------------------------------------------------------------------------------------------
// Errors.

const errorBox = $("#error");

const clearError = () => {
  errorBox.hidden = true;
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
};

const showErrors = (failures) => {
  const [first] = failures;
  const label = (f) => (failures.length > 1 || f.mode === "ar" ? `${f.mode === "ar" ? "AR" : "Diffusion"}: ` : "");
  $(".error-title", errorBox).textContent = first.error.status ? `Request failed (HTTP ${first.error.status})` : "Request failed";
  $(".error-message", errorBox).textContent = failures.map((f) => `${label(f)}${f.error.message}`).join("\n");
  $(".error-code", errorBox).textContent = [...new Set(failures.map((f) => f.error.code))].join(", ");
  const extra = [];
  for (const { error } of failures) {
    if (error.field) {
      extra.push(`field: ${error.field}`);
      const input = form.elements.namedItem(error.field);
      if (input) input.setAttribute("aria-invalid", "true");
    }
    if (error.retryAfter) extra.push(`retry after ${error.retryAfter} s`);
  }
  $(".error-extra", errorBox).textContent = extra.join(" · ");
  errorBox.hidden = false;
};

// ---------------------------------------------------------------------------------------------
// Running.

const panels = {
  diffusion: new RunPanel($('.run[data-mode="diffusion"]'), "Diffusion"),
  ar: new RunPanel($('.run[data-mode="ar"]'), "Autoregressive"),
};
let controller;

const run = async (panel, body, expectedSteps, apiKey, signal) => {
  panel.start(body.maxTokens, expectedSteps, body.prompt, body.model, body.suffix);
  const started = performance.now();
  let response;
  try {
    response = await fetch("/v1/generate", {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json", Accept: EVENT_STREAM_TYPE },
      body: JSON.stringify(body),
      signal,
    });
    if (!response.ok) throw await errorFromResponse(response);
    for await (const { event, data } of readServerSentEvents(response.body)) {
      if (event === "step") panel.frame(JSON.parse(data), performance.now() - started);
      else if (event === "done") {
        panel.finish(JSON.parse(data), performance.now() - started);
        return;
      } else if (event === "error") {
        const { error } = JSON.parse(data);
        throw new RunError(error.code, error.message, { field: error.field });
      }
    }
    throw new RunError("stream_closed", "The stream closed before the generation finished.");
  } catch (error) {
    const failure = signal.aborted ? new RunError("aborted", "Stopped.")
      : error instanceof RunError ? error
        : new RunError("network_error", `Could not reach the edge: ${error?.message ?? error}`);
    panel.fail(failure);
    throw failure;
  }
};

const setBusy = (busy) => {
  $("#generate").disabled = busy;
  $("#compare").disabled = busy;
  $("#stop").disabled = !busy;
  form.setAttribute("aria-busy", String(busy));
};

const generate = async (compare) => {
  clearError();
  const apiKey = field("apiKey").value.trim();
  if (!apiKey) {
    showErrors([{ mode: "diffusion", error: new RunError("missing_api_key", "Enter your API key first (it starts with umk_).") }]);
    field("apiKey").setAttribute("aria-invalid", "true");
    field("apiKey").focus();
    return;
  }
  localStorage.setItem(KEY_STORAGE, apiKey);
  const settings = readSettings();
  if (settings.maxTokens === undefined || !Number.isFinite(settings.maxTokens)) {
    showErrors([{ mode: "diffusion", error: new RunError("invalid_parameter", "N (maxTokens) must be a number.", { field: "maxTokens" }) }]);
    return;
  }
  writeUrl(settings, compare);
  const dynamic = settings.threshold !== undefined || settings.factor !== undefined;
  const diffusionSteps = dynamic ? 0 : settings.steps ?? settings.maxTokens;

  controller = new AbortController();
  setBusy(true);
  panels.ar.element.hidden = !compare;
  $("#runs").classList.toggle("compare", compare);
  const jobs = [{ mode: "diffusion", promise: run(panels.diffusion, diffusionBody(settings), diffusionSteps, apiKey, controller.signal) }];
  if (compare) jobs.push({ mode: "ar", promise: run(panels.ar, arBody(settings), settings.maxTokens, apiKey, controller.signal) });
  const results = await Promise.allSettled(jobs.map((job) => job.promise));
  const failures = results
    .map((result, i) => ({ mode: jobs[i].mode, error: result.status === "rejected" ? result.reason : undefined }))
    .filter((f) => f.error !== undefined && f.error.code !== "aborted");
  if (failures.length > 0) showErrors(failures);
  setBusy(false);
};

// ---------------------------------------------------------------------------------------------
// Wiring.

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void generate(event.submitter?.id === "compare");
});

field("prompt").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    if (!$("#generate").disabled) form.requestSubmit($("#generate"));
  }
});

$("#stop").addEventListener("click", () => controller?.abort());

field("apiKey").addEventListener("change", () => {
  const key = field("apiKey").value.trim();
  if (key) localStorage.setItem(KEY_STORAGE, key);
});

$("#forgetKey").addEventListener("click", () => {
  localStorage.removeItem(KEY_STORAGE);
  field("apiKey").value = "";
  field("apiKey").focus();
});

$("#copyLink").addEventListener("click", async () => {
  writeUrl(readSettings(), !panels.ar.element.hidden);
  const button = $("#copyLink");
  try {
    await navigator.clipboard.writeText(location.href);
    button.textContent = "Link copied";
  } catch {
    button.textContent = "Link is in the address bar";
  }
  setTimeout(() => (button.textContent = "Copy link"), 2000);
});

// Threshold and factor are alternative rules: typing one clears the other.
for (const [name, other] of [["threshold", "factor"], ["factor", "threshold"]]) {
  field(name).addEventListener("input", () => {
    if (field(name).value !== "") field(other).value = "";
  });
}

field("apiKey").value = localStorage.getItem(KEY_STORAGE) ?? "";
if (readUrl()) $("#compare").classList.add("suggested");
panels.diffusion.start(Number(field("maxTokens").value) || 64, 0, "");
panels.diffusion.setState("idle", "Idle: press Generate.");
void loadVocabulary();
document.documentElement.dataset.ready = "true";
