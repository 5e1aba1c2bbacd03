import { chartJsSource } from "./chart-library.js";

/** A block of a report page. Chart configs are Chart.js configurations (JSON-serialisable). */
export type ReportBlock =
  | { kind: "heading"; text: string }
  | { kind: "text"; text: string }
  | { kind: "table"; headers: string[]; rows: (string | number)[][]; caption?: string }
  | { kind: "chart"; id: string; title: string; config: Record<string, unknown> };

export interface ReportPage {
  title: string;
  subtitle?: string;
  blocks: ReportBlock[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON safe to embed inside a <script> element (no `</script>` or `<!--` can appear). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function renderBlock(block: ReportBlock): string {
  switch (block.kind) {
    case "heading":
      return `<h2>${escapeHtml(block.text)}</h2>`;
    case "text":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "table": {
      const head = block.headers.map((header) => `<th>${escapeHtml(header)}</th>`).join("");
      const body = block.rows
        .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join("")}</tr>`)
        .join("\n");
      const caption = block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : "";
      return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
    }
    case "chart":
      return `<figure><figcaption>${escapeHtml(block.title)}</figcaption><div class="chart"><canvas id="${escapeHtml(block.id)}" data-chart></canvas></div></figure>`;
  }
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}caption{text-align:left;font-weight:600;padding:.3rem 0}
figure{margin:1.5rem 0}figcaption{font-weight:600}.chart{position:relative;height:320px}`;

/**
 * A self-contained HTML page: tables, text and Chart.js charts with the library inlined, so the
 * file opens offline. Each chart block becomes a canvas drawn from its config on load.
 */
export function renderReportPage(page: ReportPage): string {
  const charts = page.blocks.filter((block) => block.kind === "chart");
  const configs = Object.fromEntries(charts.map((chart) => [chart.id, chart.config]));
  const subtitle = page.subtitle ? `<p class="subtitle">${escapeHtml(page.subtitle)}</p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style></head>
<body><h1>${escapeHtml(page.title)}</h1>${subtitle}
${page.blocks.map(renderBlock).join("\n")}
<script>${chartJsSource()}</script>
<script>
const configs = ${scriptJson(configs)};
for (const [id, config] of Object.entries(configs)) {
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
  new Chart(document.getElementById(id), config);
}
</script></body></html>
`;
}
