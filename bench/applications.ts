// The company's applications list against `wrangler dev`: one company with three vacancies and
// N candidates applying to each (a third moved on to reviewing, a tenth to interview), then
// every page of each filter walked to its end. Prints, per filter, D1's rows_read of each page
// (from the `server-timing` header) against the budget of 20 rows per item of a page.
//
//   npm run bench:applications            [-- --port 8831 --candidates 150 --limit 20]
import { parseArgs } from "node:util";
import { startDevServer } from "./lib/dev-server.mjs";

const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: "8831" },
    candidates: { type: "string", default: "150" },
    limit: { type: "string", default: "20" },
  },
});
const CANDIDATES = Number(options.candidates);
const LIMIT = Number(options.limit);

const server = await startDevServer({
  port: Number(options.port),
  name: "bench-applications",
  vars: { RATE_LIMIT_REGISTER_PER_IP: "100000/60", LOG_REQUESTS: "false" },
});

async function call(
  path: string,
  token: string | null,
  body?: unknown,
  method = body === undefined ? "GET" : "POST",
): Promise<{ json: any; headers: Headers }> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}`);
  return { json: text ? JSON.parse(text) : null, headers: response.headers };
}

async function register(n: number): Promise<string> {
  const { json } = await call("/v1/auth/register", null, {
    email: `bench-apps-${n}-${Date.now()}@example.com`,
    password: "a long enough password 123",
    displayName: `Candidate ${n}`,
  });
  return json.accessToken;
}

async function inBatches<T>(count: number, size: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += size)
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, k) => work(start + k)))));
  return out;
}

try {
  const owner = await register(-1);
  const { json: company } = await call("/v1/companies", owner, { name: "Bench Applications" });
  const vacancies: string[] = [];
  for (let v = 0; v < 3; v++) {
    const { json: vacancy } = await call("/v1/vacancies", owner, {
      companyId: company.id,
      title: `Role ${v}`,
      role: "backend",
      employmentType: "full-time",
      seniority: "senior",
    });
    await call(`/v1/vacancies/${vacancy.id}/publish`, owner, {});
    vacancies.push(vacancy.id);
  }
  const started = Date.now();
  const candidates = await inBatches(CANDIDATES, 8, register);
  const applied = await inBatches(CANDIDATES * vacancies.length, 8, async (i) => {
    const { json } = await call(`/v1/vacancies/${vacancies[i % vacancies.length]}/applications`, candidates[Math.floor(i / vacancies.length)]!, {});
    return json.id as string;
  });
  await inBatches(applied.length, 8, async (i) => {
    if (i % 3 === 0) await call(`/v1/applications/${applied[i]}`, owner, { status: i % 10 === 0 ? "interview" : "reviewing" }, "PATCH");
  });
  console.log(
    `seeded ${applied.length} applications of ${CANDIDATES} candidates to ${vacancies.length} vacancies in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(`page size ${LIMIT}: the budget is ${20 * LIMIT} rows read per page\n`);
  console.log("| filter | pages | items | rows_read p1 | max | mean | over budget |");
  console.log("|---|---|---|---|---|---|---|");
  const filters: [string, string][] = [
    ["all", ""],
    ["status=reviewing", "&status=reviewing"],
    ["status=interview", "&status=interview"],
    ["vacancyId", `&vacancyId=${vacancies[0]}`],
    ["vacancyId + status=submitted", `&vacancyId=${vacancies[1]}&status=submitted`],
  ];
  for (const [name, query] of filters) {
    const reads: number[] = [];
    let items = 0;
    let cursor: string | null = null;
    do {
      const { json, headers } = await call(`/v1/companies/${company.id}/applications?limit=${LIMIT}${query}${cursor ? `&cursor=${cursor}` : ""}`, owner);
      reads.push(Number(/rows_read=(\d+)/.exec(headers.get("server-timing") ?? "")?.[1] ?? Number.NaN));
      items += json.items.length;
      cursor = json.nextCursor;
    } while (cursor);
    const mean = reads.reduce((a, b) => a + b, 0) / reads.length;
    console.log(
      `| ${name} | ${reads.length} | ${items} | ${reads[0]} | ${Math.max(...reads)} | ${mean.toFixed(0)} | ${reads.filter((r) => r > 20 * LIMIT).length} |`,
    );
  }
} finally {
  await server.stop();
}
