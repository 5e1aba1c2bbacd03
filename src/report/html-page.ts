import { chartJsSource } from "./chart-library.js";

/** A table cell: text, a number, or a link (`href` may be a `#anchor` of a `details` block). */
export type TableCell =
  | string
  | number
  | { text: string; href: string }
  | { links: { text: string; href: string }[] };

/**
 * A block of a report page. Chart configs are Chart.js configurations (JSON-serialisable); a
 * dataset may carry `errorBars: [low, high][]` and `pointLabels: string[]`, drawn by the page's
 * annotation plugin (whiskers and a label above each bar or point). A `sortable` table sorts by a
 * column when its header is clicked; `details` blocks are collapsed texts that links can open.
 */
export type ReportBlock =
  | { kind: "heading"; text: string }
  | { kind: "text"; text: string }
  | { kind: "table"; headers: string[]; rows: TableCell[][]; caption?: string; sortable?: boolean }
  | { kind: "chart"; id: string; title: string; config: Record<string, unknown> }
  | { kind: "details"; id: string; summary: string; body: string };

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
      const body = block.rows.map((row) => `<tr>${row.map(renderCell).join("")}</tr>`).join("\n");
      const caption = block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : "";
      const sortable = block.sortable ? ' class="sortable"' : "";
      return `<table${sortable}>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
    }
    case "details":
      return `<details id="${escapeHtml(block.id)}"><summary>${escapeHtml(block.summary)}</summary><pre>${escapeHtml(block.body)}</pre></details>`;
    case "chart":
      return `<figure><figcaption>${escapeHtml(block.title)}</figcaption><div class="chart"><canvas id="${escapeHtml(block.id)}" data-chart></canvas></div></figure>`;
  }
}

const link = (text: string, href: string) => `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;

function renderCell(cell: TableCell): string {
  if (typeof cell !== "object") return `<td>${escapeHtml(String(cell))}</td>`;
  if ("links" in cell) return `<td>${cell.links.map((entry) => link(entry.text, entry.href)).join(" ")}</td>`;
  return `<td>${link(cell.text, cell.href)}</td>`;
}

/** Whiskers (`errorBars`) and labels (`pointLabels`) over bars and points, for every chart of the page. */
const ANNOTATIONS = `Chart.register({ id: "boxedAnnotations", afterDatasetsDraw(chart) {
  const ctx = chart.ctx;
  const placed = []; // label boxes drawn so far: a label that would overlap one moves up a line
  chart.data.datasets.forEach((dataset, d) => {
    const meta = chart.getDatasetMeta(d);
    if (meta.hidden) return;
    const scale = chart.scales[meta.yAxisID || "y"];
    meta.data.forEach((element, i) => {
      const bar = dataset.errorBars && dataset.errorBars[i];
      let top = element.y;
      ctx.save();
      ctx.strokeStyle = "#333"; ctx.fillStyle = "#222"; ctx.lineWidth = 1.2;
      if (bar && bar[0] !== null && bar[1] !== null) {
        const high = scale.getPixelForValue(bar[1]), low = scale.getPixelForValue(bar[0]);
        ctx.beginPath();
        ctx.moveTo(element.x, low); ctx.lineTo(element.x, high);
        ctx.moveTo(element.x - 4, low); ctx.lineTo(element.x + 4, low);
        ctx.moveTo(element.x - 4, high); ctx.lineTo(element.x + 4, high);
        ctx.stroke();
        top = Math.min(top, high);
      }
      const label = dataset.pointLabels && dataset.pointLabels[i];
      if (label) {
        ctx.font = "11px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
        const width = ctx.measureText(label).width;
        let y = top - 4;
        const overlaps = () => placed.some((box) => Math.abs(box.x - element.x) < (box.width + width) / 2 && Math.abs(box.y - y) < 12);
        while (overlaps()) y -= 12;
        placed.push({ x: element.x, y, width });
        ctx.fillText(label, element.x, y);
      }
      ctx.restore();
    });
  });
} });`;

/** Click a sortable table's header to sort by that column (numbers numerically), again to reverse. */
const SORTING = `for (const table of document.querySelectorAll("table.sortable")) {
  table.querySelectorAll("th").forEach((header, column) => {
    header.style.cursor = "pointer";
    header.title = "click to sort";
    header.addEventListener("click", () => {
      const body = table.tBodies[0];
      const rows = [...body.rows];
      const ascending = header.dataset.order !== "ascending";
      table.querySelectorAll("th").forEach((other) => delete other.dataset.order);
      header.dataset.order = ascending ? "ascending" : "descending";
      const key = (row) => row.cells[column].textContent.trim();
      rows.sort((a, b) => {
        const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        const order = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y, "en", { numeric: true });
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  });
}
const openTarget = () => { const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1))); if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView(); } };
window.addEventListener("hashchange", openTarget); openTarget();`;

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}caption{text-align:left;font-weight:600;padding:.3rem 0}
figure{margin:1.5rem 0}figcaption{font-weight:600}.chart{position:relative;height:320px}
th[data-order=ascending]::after{content:" ▲"}th[data-order=descending]::after{content:" ▼"}
details{margin:.3rem 0}details pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem;max-height:30rem;overflow:auto}
.subtitle{color:#555}`;

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
${ANNOTATIONS}
${SORTING}
const configs = ${scriptJson(configs)};
for (const [id, config] of Object.entries(configs)) {
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false, layout: { padding: { top: 24, right: 28 } } }, config.options || {});
  new Chart(document.getElementById(id), config);
}
</script></body></html>
`;
}
