import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { computeMetrics } from "./metrics/summary.js";
import type { ScoredProblem } from "./metrics/types.js";
import { renderEvalReport } from "./report-page.js";
import { buildResults } from "./results.js";

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

/** Runs in the page: for each chart canvas, whether Chart.js owns it and how many pixels it painted. */
const INSPECT_CHARTS = `[...document.querySelectorAll("canvas[data-chart]")].map((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) painted++;
  return { id: canvas.id, hasChart: Chart.getChart(canvas) !== undefined, width: canvas.width, painted };
})`;

function fixtureProblems(): ScoredProblem[] {
  return Array.from({ length: 30 }, (_, id) => ({
    problemId: String(id),
    benchmark: "math500",
    subject: ["Algebra", "Geometry", "Number Theory"][id % 3],
    level: String((id % 5) + 1),
    errors: 0,
    samples: Array.from({ length: 8 }, (_, index) => {
      const correct = (id * 7 + index * 3) % 5 < 3;
      return {
        correct,
        answer: correct ? "42" : String(index % 3),
        completionTokens: 100 + ((id * 31 + index * 17) % 900),
        truncated: index === 7 && id % 4 === 0,
      };
    }),
  }));
}

describe("report.html in a real browser", () => {
  it("renders every chart with no console error, offline", async () => {
    const metrics = computeMetrics(fixtureProblems(), {
      equivalent: (a, b) => a === b,
      bootstrapIterations: 200,
    });
    const results = buildResults(
      { model: "fixture" },
      { math500: { ...metrics, failures: [], estimatedTokenSamples: 0 } },
      "tokens",
    );
    const path = join(mkdtempSync(join(tmpdir(), "boxed-report-")), "report.html");
    writeFileSync(path, renderEvalReport(results));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("request", (request) => {
        if (!request.url().startsWith("file:")) errors.push(`network request: ${request.url()}`);
      });
      await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
      const charts: { id: string; hasChart: boolean; width: number; painted: number }[] =
        await page.evaluate(INSPECT_CHARTS);
      expect(charts.map((chart) => chart.id)).toEqual(["pass-at-k", "length-0", "level-0", "subject-0"]);
      for (const chart of charts) {
        expect(chart.hasChart, chart.id).toBe(true);
        expect(chart.width, chart.id).toBeGreaterThan(100);
        expect(chart.painted, chart.id).toBeGreaterThan(1000);
      }
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
