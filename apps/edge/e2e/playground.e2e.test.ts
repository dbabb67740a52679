import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledChromium } from "../../../scripts/bundledChromium.mjs";
import { repoRoot, type RunningStack, type Stack, startNpmStack } from "./support/npmStartStack.js";

/**
 * The playground (apps/edge/public, served as static assets by the edge) in headless Chromium,
 * against `npm start`'s real stack: tsc build, gpu-worker on the shipped models, wrangler dev.
 * Screenshots go to test-artifacts/playground/; UNMASK_UPDATE_SCREENSHOT=1 (or a missing file)
 * also refreshes docs/playground.png, the README's picture. The browser is the headless Chromium that
 * the npm package @sparticuz/chromium ships (scripts/bundledChromium.mjs), or CHROMIUM_PATH's.
 */

const artifacts = join(repoRoot, "test-artifacts/playground");
const docsScreenshot = join(repoRoot, "docs/playground.png");

let running: RunningStack;
let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Script errors and console errors (CSP violations included) of every page. */
const pageErrors: string[] = [];

const openPage = async (viewport = { width: 1100, height: 1000 }): Promise<Page> => {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, reducedMotion: "reduce" });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.on("pageerror", (error) => pageErrors.push(`${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.goto(`${stack.edgeUrl}/`);
  await page.waitForSelector("html[data-ready=true]");
  return page;
};

const withKey = async (page: Page, key = stack.apiKey) => {
  await page.fill("#apiKey", key);
};

const panel = (mode: "diffusion" | "ar") => `.run[data-mode="${mode}"]`;

/** Records every canvas the diffusion panel draws (the panel bumps data-frames once per SSE step). */
const recordFrames = (page: Page) =>
  page.evaluate(() => {
    const element = document.querySelector('.run[data-mode="diffusion"]') as HTMLElement;
    const frames: Array<{ step: number; masks: number; cellMasks: number }> = [];
    (window as unknown as { frames_: typeof frames }).frames_ = frames;
    new MutationObserver(() => {
      const step = Number(element.dataset.step);
      if (element.dataset.state !== "running" || frames.at(-1)?.step === step) return;
      frames.push({ step, masks: Number(element.dataset.masks), cellMasks: element.querySelectorAll(".cell.mask").length });
    }).observe(element, { attributes: true, attributeFilter: ["data-frames"] });
  });

const recordedFrames = (page: Page) =>
  page.evaluate(() => (window as unknown as { frames_: Array<{ step: number; masks: number; cellMasks: number }> }).frames_);

beforeAll(async () => {
  const chromiumPath = process.env.CHROMIUM_PATH;
  const browserToLaunch = chromiumPath === undefined ? bundledChromium() : { executablePath: chromiumPath, env: {} };
  running = await startNpmStack(artifacts);
  stack = running.stack;
  browser = await chromium.launch({
    executablePath: browserToLaunch.executablePath,
    env: { ...process.env, ...browserToLaunch.env },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close().catch(() => {});
  await running?.stop();
});

describe("the web playground, served by the edge, against npm start's stack", () => {
  it("is served at / as static assets while the API stays with the Worker", async () => {
    const home = await fetch(`${stack.edgeUrl}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toContain("text/html");
    expect(await home.text()).toContain("Unmask playground");
    expect(home.headers.get("content-security-policy")).toContain("default-src 'none'"); // public/_headers
    expect((await fetch(`${stack.edgeUrl}/_headers`)).status).toBe(404);
    const api = await fetch(`${stack.edgeUrl}/v1/generate`, { method: "POST" });
    expect(api.status).toBe(401);
    const missing = await fetch(`${stack.edgeUrl}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("animates a diffusion run live, fewer masks each frame, then shows the final text and a shareable URL", async () => {
    const page = await openPage({ width: 1100, height: 1240 });
    await withKey(page);
    await page.fill("#prompt", "Once upon a time");
    await page.fill("#maxTokens", "128");
    await page.fill("#steps", "64");
    await page.fill("#blockLength", "32");
    await page.fill("#seed", "7");
    await recordFrames(page);
    await page.focus("#prompt");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter"); // Enter in the prompt generates

    // Mid-generation: the picture for the README.
    await page.waitForFunction(
      () => {
        const element = document.querySelector('.run[data-mode="diffusion"]') as HTMLElement;
        return element.dataset.state === "done" || Number(element.dataset.step) >= 24;
      },
      undefined,
      { polling: "raf", timeout: 60_000 },
    );
    const mid = join(artifacts, "diffusion-mid.png");
    await page.screenshot({ path: mid });
    const midState = await page.getAttribute(panel("diffusion"), "data-state");
    if (midState === "running" && (process.env.UNMASK_UPDATE_SCREENSHOT === "1" || !existsSync(docsScreenshot))) {
      mkdirSync(join(repoRoot, "docs"), { recursive: true });
      copyFileSync(mid, docsScreenshot);
    }

    await page.waitForSelector(`${panel("diffusion")}[data-state="done"]`, { timeout: 90_000 });
    await page.screenshot({ path: join(artifacts, "diffusion-done.png") });

    const frames = await recordedFrames(page);
    expect(frames.every((frame) => frame.masks === frame.cellMasks)).toBe(true);
    const intermediate = frames.filter((frame) => frame.masks > 0 && frame.masks < 128);
    expect(intermediate.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.masks).toBeLessThan(frames[i - 1]!.masks);
    expect(frames.at(-1)!.masks).toBe(0);

    const text = (await page.textContent(`${panel("diffusion")} .text`))!;
    expect(text.startsWith("Once upon a time")).toBe(true);
    expect(text.length).toBeGreaterThan("Once upon a time".length + 5);
    expect(text).not.toContain("\u2588"); // no mask left
    expect(await page.textContent(`${panel("diffusion")} [data-stat="nfe"]`)).toBe("64");
    expect(await page.textContent(`${panel("diffusion")} .status`)).toContain("Done");
    expect(await page.locator(`${panel("diffusion")} .chart rect`).count()).toBe(64);

    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      prompt: "Once upon a time", maxTokens: "128", steps: "64", blockLength: "32", seed: "7", remasking: "low_confidence",
    });
    expect(url.search).not.toContain(stack.apiKey);
    expect(pageErrors).toEqual([]);

    // The shared URL reproduces the settings; the key came back from localStorage.
    await page.reload();
    await page.waitForSelector("html[data-ready=true]");
    expect(await page.inputValue("#apiKey")).toBe(stack.apiKey);
    expect(await page.inputValue("#maxTokens")).toBe("128");
    expect(await page.inputValue("#seed")).toBe("7");
    expect(await page.inputValue("#threshold")).toBe("");
  });

  it("compares diffusion with AR side by side, each with its timings, NFE and tokens/s", async () => {
    const page = await openPage();
    await withKey(page);
    await page.fill("#prompt", "The little dog");
    await page.fill("#maxTokens", "64");
    await page.fill("#steps", "32");
    await page.fill("#blockLength", "32");
    await page.click("#compare");
    for (const mode of ["diffusion", "ar"] as const) {
      await page.waitForSelector(`${panel(mode)}[data-state="done"]`, { timeout: 90_000 });
    }
    await page.screenshot({ path: join(artifacts, "compare.png"), fullPage: true });
    for (const mode of ["diffusion", "ar"] as const) {
      expect(await page.isVisible(panel(mode))).toBe(true);
      const text = (await page.textContent(`${panel(mode)} .text`))!;
      expect(text.startsWith("The little dog")).toBe(true);
      expect(text.length).toBeGreaterThan("The little dog".length + 3);
      for (const stat of ["ttff", "total", "nfe", "rate"]) {
        expect(await page.textContent(`${panel(mode)} [data-stat="${stat}"]`)).toMatch(/\d/);
      }
    }
    expect(await page.textContent(`${panel("diffusion")} [data-stat="nfe"]`)).toBe("32");
    expect(new URL(page.url()).searchParams.get("compare")).toBe("1");
    // Side by side at this width.
    const [left, right] = await Promise.all([page.locator(panel("diffusion")).boundingBox(), page.locator(panel("ar")).boundingBox()]);
    expect(right!.x).toBeGreaterThan(left!.x + left!.width - 1);
  });

  it("shows a readable error (message and code) for a bad key and for invalid parameters", async () => {
    const page = await openPage();
    await withKey(page, "umk_0000000000000000_not-a-real-key-at-all-not-a-real-key-000");
    await page.click("#generate");
    await page.waitForSelector("#error:not([hidden])");
    expect(await page.textContent("#error .error-message")).toContain("Invalid or missing API key.");
    expect(await page.textContent("#error .error-code")).toBe("invalid_api_key");
    expect(await page.textContent("#error .error-title")).toContain("401");
    await page.screenshot({ path: join(artifacts, "bad-key.png") });

    await withKey(page);
    await page.fill("#maxTokens", "64");
    await page.fill("#blockLength", "5");
    await page.click("#generate");
    await page.waitForSelector("#error:not([hidden]) .error-code:text('invalid_parameter')");
    expect(await page.textContent("#error .error-extra")).toContain("blockLength");
    expect(await page.getAttribute("#blockLength", "aria-invalid")).toBe("true");
  });

  it("runs the model picked in the form: unmask-diffusion-fast, named in the request, the panel and the URL", async () => {
    const errorsBefore = pageErrors.length;
    const page = await openPage();
    await withKey(page);
    await page.selectOption("#model", "unmask-diffusion-fast");
    await page.fill("#maxTokens", "32");
    await page.fill("#steps", "16");
    await page.fill("#blockLength", "32");
    const request = page.waitForRequest((r) => r.url().endsWith("/v1/generate"));
    await page.click("#generate");
    expect((await request).postDataJSON()).toMatchObject({ mode: "diffusion", model: "unmask-diffusion-fast", maxTokens: 32, steps: 16 });
    await page.waitForSelector(`${panel("diffusion")}[data-state="done"]`, { timeout: 90_000 });
    expect(await page.textContent(`${panel("diffusion")} h2`)).toBe("Diffusion · unmask-diffusion-fast");
    expect(await page.textContent(`${panel("diffusion")} [data-stat="nfe"]`)).toBe("16");
    expect(new URL(page.url()).searchParams.get("model")).toBe("unmask-diffusion-fast");
    await page.reload();
    await page.waitForSelector("html[data-ready=true]");
    expect(await page.inputValue("#model")).toBe("unmask-diffusion-fast");
    expect(pageErrors.slice(errorsBefore)).toEqual([]);
  });

  it("infills between the prompt and an ending: the fixed spans drawn distinctly on the live canvas, the middle filled in", async () => {
    const prompt = "Once upon a time, there was a little cat named Tom.";
    const ending = " Tom and the dog were best friends forever.";
    const page = await openPage();
    await withKey(page);
    await page.fill("#prompt", prompt);
    await page.fill("#suffix", ending);
    await page.fill("#maxTokens", "16");
    await page.fill("#steps", "8");
    await page.fill("#blockLength", "16");
    await recordFrames(page);
    const request = page.waitForRequest((r) => r.url().endsWith("/v1/generate"));
    await page.click("#generate");
    expect((await request).postDataJSON()).toMatchObject({ mode: "diffusion", prompt, suffix: ending, maxTokens: 16, steps: 8 });
    await page.waitForSelector(`${panel("diffusion")}[data-state="done"]`, { timeout: 90_000 });
    await page.screenshot({ path: join(artifacts, "infill.png") });
    const frames = await recordedFrames(page);
    expect(frames.length).toBeGreaterThanOrEqual(1);
    expect(frames.every((frame) => frame.masks === frame.cellMasks)).toBe(true);
    const states = await page.$$eval(`${panel("diffusion")} .cell`, (cells) => cells.map((cell) => (cell as HTMLElement).dataset.state));
    const fixed = Number(await page.getAttribute(panel("diffusion"), "data-fixed"));
    expect(fixed).toBeGreaterThan(0);
    expect(states).toHaveLength(fixed + 16);
    // Prompt cells first, then the 16 generated ones, then the ending's: fixed at both ends, none in the middle.
    const firstGenerated = states.findIndex((state) => state !== "fixed");
    const generated = states.slice(firstGenerated, firstGenerated + 16);
    expect(firstGenerated).toBeGreaterThan(0);
    expect(generated.every((state) => state !== "fixed" && state !== "mask")).toBe(true);
    expect(states.slice(firstGenerated + 16).every((state) => state === "fixed")).toBe(true);
    const text = (await page.textContent(`${panel("diffusion")} .text`))!;
    expect(text.startsWith(prompt)).toBe(true);
    expect(text.endsWith(ending)).toBe(true);
    expect(text).not.toContain("\u2588");
    expect(await page.textContent(`${panel("diffusion")} .text .ending`)).toBe(ending);
    expect(new URL(page.url()).searchParams.get("suffix")).toBe(ending);
  });

  it("is readable at 375 px, and sends the parallel rule and cache mode (dynamic step count)", async () => {
    const page = await openPage({ width: 375, height: 812 });
    await withKey(page);
    await page.fill("#maxTokens", "32");
    await page.fill("#steps", "32");
    await page.fill("#blockLength", "16");
    await page.fill("#factor", "1");
    await page.selectOption("#cache", "prefix");
    const request = page.waitForRequest((r) => r.url().endsWith("/v1/generate"));
    await page.click("#generate");
    expect((await request).postDataJSON()).toMatchObject({ mode: "diffusion", maxTokens: 32, blockLength: 16, factor: 1, cache: "prefix", stream: true });
    expect((await request).postDataJSON()).not.toHaveProperty("threshold");
    await page.waitForSelector(`${panel("diffusion")}[data-state="done"]`, { timeout: 90_000 });
    const steps = Number(await page.textContent(`${panel("diffusion")} [data-stat="step"]`));
    expect(steps).toBeGreaterThanOrEqual(2); // at least one step per block
    expect(steps).toBeLessThanOrEqual(32);
    expect(await page.locator(`${panel("diffusion")} .chart rect`).count()).toBe(steps);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ factor: "1", cache: "prefix" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(artifacts, "narrow.png"), fullPage: true });
  });
});

afterAll(() => {
  if (existsSync(docsScreenshot)) expect(statSync(docsScreenshot).size).toBeLessThan(200 * 1024);
});
