// Sums vitest's JSON report and pytest's JUnit XML into one closing line a CI reader can count.
import { existsSync, readFileSync } from "node:fs";

const [vitestJson, pytestXml] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, "utf8"));
  passed += report.numPassedTests;
  // A file that failed to load has no failed test in it: count it once so it cannot pass silently.
  const brokenFiles = report.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
  ).length;
  failed += report.numFailedTests + brokenFiles;
  skipped += report.numPendingTests + report.numTodoTests;
} else {
  failed += 1;
  console.error(`missing ${vitestJson}: vitest did not finish`);
}

if (existsSync(pytestXml)) {
  const xml = readFileSync(pytestXml, "utf8");
  const suite = xml.match(/<testsuite [^>]*>/)?.[0] ?? "";
  const attr = (name) => Number(suite.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? 0);
  const pyFailed = attr("failures") + attr("errors");
  const pySkipped = attr("skipped");
  passed += attr("tests") - pyFailed - pySkipped;
  failed += pyFailed;
  skipped += pySkipped;
} else {
  failed += 1;
  console.error(`missing ${pytestXml}: pytest did not finish`);
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
