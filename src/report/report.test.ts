import { describe, expect, it } from "vitest";
import { escapeHtml, renderReportPage } from "./html-page.js";
import { formatFraction, formatTable } from "./terminal-table.js";

describe("report pieces", () => {
  it("formats an aligned terminal table", () => {
    expect(
      formatTable(
        ["metric", "value"],
        [
          ["pass@1", "0.412"],
          ["maj@16", 1],
        ],
      ),
    ).toBe("metric  value\n──────  ─────\npass@1  0.412\nmaj@16      1\n");
    expect(formatFraction(0.5)).toBe("0.500");
    expect(formatFraction(Number.NaN)).toBe("—");
  });

  it("renders a self-contained page with Chart.js inlined and content escaped", () => {
    const html = renderReportPage({
      title: "Run <1>",
      blocks: [
        { kind: "table", headers: ["a"], rows: [["</script>"]] },
        {
          kind: "chart",
          id: "c1",
          title: "curve",
          config: { type: "line", data: { labels: ["</script>"], datasets: [] } },
        },
      ],
    });
    expect(html).toContain("<title>Run &lt;1&gt;</title>");
    expect(html).toContain("<td>&lt;/script&gt;</td>");
    expect(html).toContain('<canvas id="c1" data-chart>');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html.length).toBeGreaterThan(150_000);
    expect(escapeHtml(`a"b'`)).toBe("a&quot;b&#39;");
  });
});
