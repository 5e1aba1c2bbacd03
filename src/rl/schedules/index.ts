export { type Schedule, schedules, scheduleValue } from "./schedules.js";
