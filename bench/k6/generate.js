// k6 load test of POST /v1/generate, the contract behind `npm run bench:load` (autocannon).
// Scenarios, request and thresholds come from scenarios.json; they run one after another.
//   BASE_URL=http://127.0.0.1:8787 UNMASK_API_KEY=umk_… k6 run bench/k6/generate.js
//   SCENARIO=steady limits the run to one scenario; SUMMARY sets the summary file.
//   Every scenario runs with UNMASK_API_KEY; a scenario's keyLimits are what bench:load gives the fresh key it
//   creates for that scenario (give k6 a key with overLimit's limits to see its 429s).
import http from "k6/http";
import execution from "k6/execution";
import { check } from "k6";
import { Trend } from "k6/metrics";

const contract = JSON.parse(open("./scenarios.json"));
const baseUrl = __ENV.BASE_URL || "http://127.0.0.1:8787";
const apiKey = __ENV.UNMASK_API_KEY;

// k6 reads a response whole, so this is the time to the first byte of the event stream: the
// autocannon runner measures the first `event: step` itself.
const timeToFirstFrame = new Trend("time_to_first_frame", true);

const seconds = (text) =>
  [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)].reduce(
    (sum, [, value, unit]) => sum + Number(value) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit],
    0,
  );

const scenarioLength = (scenario) =>
  scenario.executor === "ramping-vus"
    ? scenario.stages.reduce((sum, stage) => sum + seconds(stage.duration), 0)
    : seconds(scenario.duration);

const selected = Object.entries(contract.scenarios).filter(([name]) => !__ENV.SCENARIO || name === __ENV.SCENARIO);

const scenarios = {};
const thresholds = {};
let startsAt = 0;
for (const [name, { thresholds: limits, expectedStatuses, keyLimits, ...executor }] of selected) {
  scenarios[name] = { ...executor, exec: "generate", startTime: `${startsAt}s` };
  startsAt += scenarioLength(executor) + 10;
  for (const [metric, expression] of Object.entries(limits)) thresholds[`${metric}{scenario:${name}}`] = [expression];
}

export const options = { scenarios, thresholds };

const callbacks = Object.fromEntries(
  selected.map(([name, scenario]) => [name, http.expectedStatuses(...(scenario.expectedStatuses || [200]))]),
);

export function generate() {
  const name = execution.scenario.name;
  const body = JSON.stringify({ ...contract.request.body, seed: execution.scenario.iterationInTest });
  const headers = { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const response = http.post(`${baseUrl}${contract.request.path}`, body, { headers, responseCallback: callbacks[name] });
  timeToFirstFrame.add(response.timings.waiting);
  check(response, { "status is expected": (r) => (contract.scenarios[name].expectedStatuses || [200]).includes(r.status) });
}

export function handleSummary(data) {
  return { [__ENV.SUMMARY || "bench/results/k6-summary.json"]: JSON.stringify(data, null, 2) };
}
