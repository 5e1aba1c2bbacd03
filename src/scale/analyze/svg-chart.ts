/**
 * A dependency-free SVG scatter of accuracy against average tokens, for Markdown docs (the HTML
 * report uses Chart.js). Each strategy is a labelled point; axes span the data with a margin.
 */
import type { StrategyResult } from "./types.js";

const WIDTH = 760;
const HEIGHT = 420;
const PAD = { left: 60, right: 20, top: 20, bottom: 45 };

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function span(values: number[], margin: number): [number, number] {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const extra = (high - low || Math.abs(high) || 1) * margin;
  return [low - extra, high + extra];
}

const CHARACTER_WIDTH = 6;
const LINE_HEIGHT = 12;

/** Greedy label placement: right of the point (left of it near the right edge), moved down past overlaps. */
function placeLabels(
  results: readonly StrategyResult[],
  x: (value: number) => number,
  y: (value: number) => number,
) {
  const placed: { left: number; right: number; top: number }[] = [];
  return results.map((result) => {
    const pointX = x(result.avgTokens);
    const width = result.strategy.length * CHARACTER_WIDTH;
    const anchor = pointX + 6 + width > WIDTH - PAD.right ? "end" : "start";
    const left = anchor === "end" ? pointX - 6 - width : pointX + 6;
    let top = y(result.accuracy) - 4;
    const overlaps = () =>
      placed.some(
        (box) => left < box.right && box.left < left + width && Math.abs(box.top - top) < LINE_HEIGHT,
      );
    while (overlaps()) top += LINE_HEIGHT;
    placed.push({ left, right: left + width, top });
    return { result, labelX: anchor === "end" ? pointX - 6 : pointX + 6, labelY: top + 4, anchor };
  });
}

export function accuracyTokensSvg(
  results: readonly StrategyResult[],
  title = "Accuracy vs average tokens",
): string {
  if (results.length === 0) throw new Error("results: nothing to plot");
  const [xLow, xHigh] = span(
    results.map((result) => result.avgTokens),
    0.08,
  );
  const [yLow, yHigh] = span(
    results.map((result) => result.accuracy),
    0.15,
  );
  const x = (value: number) => PAD.left + ((value - xLow) / (xHigh - xLow)) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) =>
    HEIGHT - PAD.bottom - ((value - yLow) / (yHigh - yLow)) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = (low: number, high: number, count: number) =>
    Array.from({ length: count + 1 }, (_, i) => low + ((high - low) * i) / count);
  const grid = [
    ...ticks(xLow, xHigh, 5).map(
      (value) =>
        `<line x1="${x(value)}" y1="${PAD.top}" x2="${x(value)}" y2="${HEIGHT - PAD.bottom}" stroke="#eee"/><text x="${x(value)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${Math.round(value)}</text>`,
    ),
    ...ticks(yLow, yHigh, 5).map(
      (value) =>
        `<line x1="${PAD.left}" y1="${y(value)}" x2="${WIDTH - PAD.right}" y2="${y(value)}" stroke="#eee"/><text x="${PAD.left - 6}" y="${y(value) + 4}" text-anchor="end">${value.toFixed(3)}</text>`,
    ),
  ];
  const points = placeLabels(results, x, y).map(
    ({ result, labelX, labelY, anchor }, index) =>
      `<circle cx="${x(result.avgTokens).toFixed(1)}" cy="${y(result.accuracy).toFixed(1)}" r="4" fill="hsl(${(index * 47) % 360},65%,45%)"/>` +
      `<text x="${labelX.toFixed(1)}" y="${labelY.toFixed(1)}" text-anchor="${anchor}">${escapeXml(result.strategy)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="14" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`,
    ...grid,
    `<text x="${WIDTH / 2}" y="${HEIGHT - 8}" text-anchor="middle">average completion tokens per problem</text>`,
    `<text transform="translate(14,${HEIGHT / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`,
    ...points,
    "</svg>",
  ].join("\n");
}
