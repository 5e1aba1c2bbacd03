export * from "./chart-library.js";
export * from "./html-page.js";
export * from "./terminal-table.js";
