/**
 * The two report pages people read, opened in headless Chromium from real runs over the shipped
 * fixture (Qwen2.5-Math on MATH, 100 problems × 8): `boxed eval --samples` (report.html) and
 * `boxed scale analyze --html`. Checked: every chart painted with no console error and no network
 * request; the y-axis fitted to the data; the sampling config shown; the per-problem table sorts and
 * its links open the samples; the analyzer's points are labelled with whiskers and say where labels
 * and tokens come from. Screenshots go to $BOXED_SCREENSHOTS (default: a temporary folder).
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../../test/helpers/cli.js";

const CHROMIUM = "/usr/bin/chromium"; // installed by scripts/setup-system.sh (make setup)
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const QWEN = join(REPO_ROOT, "test/fixtures/responses/qwen25-math-math_cot_100.jsonl");
const folder = mkdtempSync(join(tmpdir(), "boxed-report-"));
const shots = process.env.BOXED_SCREENSHOTS ?? join(folder, "screenshots");

/** Runs in the page: per chart canvas, whether Chart.js owns it, pixels painted and the y-axis range. */
const INSPECT_CHARTS = `[...document.querySelectorAll("canvas[data-chart]")].map((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) painted++;
  const chart = Chart.getChart(canvas);
  return { id: canvas.id, hasChart: chart !== undefined, width: canvas.width, painted,
    yMin: chart?.scales.y.min, yMax: chart?.scales.y.max,
    annotated: chart ? chart.data.datasets.every((d) => Array.isArray(d.errorBars) && Array.isArray(d.pointLabels)) : false };
})`;

let browser: Browser;
beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) errors.push(`network request: ${request.url()}`);
  });
  await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
  return { page, errors };
}

type Inspected = {
  id: string;
  hasChart: boolean;
  width: number;
  painted: number;
  yMin: number;
  yMax: number;
  annotated: boolean;
};

describe("report pages in a real browser", () => {
  it("eval report.html: fitted axes, config, annotated bars, a sortable per-problem table linking to samples", async () => {
    const out = join(folder, "eval");
    const run = await runCli(["eval", "--samples", QWEN, "--out", out, "--workers", "1"], {
      timeoutMs: 240_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const { page, errors } = await open(join(out, "report.html"));
    const charts: Inspected[] = await page.evaluate(INSPECT_CHARTS);
    expect(charts.map((chart) => chart.id)).toEqual(["pass-at-k", "length-0", "level-0"]); // the file has levels, no subjects
    for (const chart of charts) {
      expect(chart.hasChart, chart.id).toBe(true);
      expect(chart.width, chart.id).toBeGreaterThan(100);
      expect(chart.painted, chart.id).toBeGreaterThan(1000);
      expect(chart.annotated, chart.id).toBe(true);
    }
    // pass@k of this model lies around 0.7–0.97: the axis starts well above 0.
    const curve = charts[0] as Inspected;
    expect(curve.yMin).toBeGreaterThan(0.4);
    expect(curve.yMax).toBeLessThanOrEqual(1);
    await page.screenshot({ path: join(shots, "eval-report-top.png") });
    const config = await page.locator("table").first().textContent();
    expect(config).toMatch(/scored from a file/);
    expect(config).toMatch(/n \(samples per problem\)\s*8/);

    const table = page.locator("table.sortable");
    const accuracies = async () =>
      (await table.locator("tbody tr td:nth-child(5)").allInnerTexts()).map(Number);
    await table.locator("th", { hasText: /^accuracy$/ }).click();
    const ascending = await accuracies();
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await table.locator("th", { hasText: /^accuracy$/ }).click();
    const descending = await accuracies();
    expect(descending).toEqual([...ascending].sort((a, b) => b - a));
    expect(await table.locator("tbody tr").first().locator("td").nth(7).textContent()).toMatch(/×\d/);
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, "eval-report-table.png") });

    const link = table.locator("tbody tr").first().locator("a").first();
    const target = ((await link.getAttribute("href")) as string).slice(1);
    await link.click();
    expect(
      await page
        .locator(`details[id="${target}"]`)
        .evaluate((element) => (element as unknown as { open: boolean }).open),
    ).toBe(true);
    await page.screenshot({ path: join(shots, "eval-report-sample.png") });
    expect(errors).toEqual([]);
  }, 300_000);

  it("scale analyze HTML: labelled, coloured points with whiskers; label and token sources named", async () => {
    const html = join(folder, "analyze.html");
    const run = await runCli([
      "scale",
      "analyze",
      "--samples",
      QWEN,
      "--labels",
      "file",
      "--strategies",
      "pass@1 maj@8 vote@8,weight=reward best@8,score=reward esc@8,window=2",
      "--html",
      html,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { page, errors } = await open(html);
    const [chart] = (await page.evaluate(INSPECT_CHARTS)) as Inspected[];
    expect(chart).toMatchObject({ id: "accuracy-tokens", hasChart: true, annotated: true });
    expect((chart as Inspected).yMin).toBeGreaterThan(0.5);
    const subtitle = await page.locator(".subtitle").textContent();
    expect(subtitle).toMatch(/labels: from the file/);
    expect(subtitle).toMatch(/tokens \(estimated: characters\/4/);
    const colours: string[] = await page.evaluate(
      `Chart.getChart(document.getElementById("accuracy-tokens")).data.datasets.map((d) => d.backgroundColor)`,
    );
    expect(new Set(colours).size).toBe(5);
    await page.screenshot({ path: join(shots, "scale-analyze.png") });
    expect(errors).toEqual([]);
  }, 120_000);
});
