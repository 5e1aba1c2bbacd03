import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { advantageEstimators } from "./advantages/registry.js";
import { stepAdvantageEstimators } from "./advantages/step-estimators.js";
import { rolloutCorrections } from "./correction/rollout-correction.js";
import { aggregations } from "./losses/aggregation.js";
import { klEstimators } from "./losses/kl.js";
import { policyLosses } from "./losses/registry.js";
import { rewardFunctions } from "./rewards/registry.js";
import { schedules } from "./schedules/schedules.js";
import { batchFilters } from "./select/filters.js";

/** docs/algorithms.md must list exactly the keys of each registry, each with a formula and a paper. */
const registries: Record<string, Map<string, unknown>> = {
  advantageEstimators,
  stepAdvantageEstimators,
  policyLosses,
  aggregations,
  klEstimators,
  rewardFunctions,
  batchFilters,
  schedules,
  rolloutCorrections,
};

const page = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../docs/algorithms.md"), "utf8");

/** The `## ` section whose heading names the registry, e.g. "## Policy losses (`policyLosses`; ...)". */
function section(registry: string): string {
  const sections = page.split(/^## /m).filter((text) => text.split("\n")[0].includes(`(\`${registry}\``));
  if (sections.length !== 1) throw new Error(`docs/algorithms.md needs exactly one section for ${registry}`);
  return sections[0];
}

/** Table rows `| \`key\` | formula | paper |` of a section. */
function rows(text: string): { key: string; cells: string[] }[] {
  return text
    .split("\n")
    .filter((line) => /^\| `[^`]+` \|/.test(line))
    .map((line) => {
      const cells = line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { key: cells[0].slice(1, -1), cells };
    });
}

describe("docs/algorithms.md matches the registries", () => {
  for (const [name, registry] of Object.entries(registries)) {
    it(`${name}: every key documented, every documented key registered`, () => {
      const documented = rows(section(name));
      expect(documented.map((row) => row.key).sort()).toEqual([...registry.keys()].sort());
      for (const row of documented) {
        expect(row.cells.length, `${name}.${row.key} has key, formula and paper`).toBe(3);
        expect(row.cells[1].length, `${name}.${row.key} formula`).toBeGreaterThan(0);
        expect(row.cells[2].length, `${name}.${row.key} paper`).toBeGreaterThan(0);
      }
    });
  }
});
