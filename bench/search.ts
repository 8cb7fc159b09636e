// Search benchmark against `wrangler dev` (port 8830): seeds 100,000 published vacancies into the
// local D1 (SQL through `wrangler d1 execute`), builds the search index with the admin rebuild
// endpoint, then runs representative searches and prints, per query, the median latency, the D1
// rows read (the `server-timing` header of GET /v1/vacancies) and the rows returned, with the
// target rows_read <= 20 x page size. Run: npm run bench:search (SEARCH_BENCH_VACANCIES to change the size,
// SEARCH_BENCH_REUSE=1 to keep the database a previous run seeded and indexed, SEARCH_BENCH_PORT).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { localWranglerEnv } from "../scripts/local-wrangler-env.mjs";
import { startDevServer, summarize } from "./lib/dev-server.mjs";

const PORT = Number(process.env.SEARCH_BENCH_PORT ?? 8830);
const NAME = "search-bench";
const VACANCIES = Number(process.env.SEARCH_BENCH_VACANCIES ?? 100_000);
const RUNS = Number(process.env.SEARCH_BENCH_RUNS ?? 15);
const REUSE = process.env.SEARCH_BENCH_REUSE === "1";
const PAGE = 20;
const root = fileURLToPath(new URL("..", import.meta.url));
const persistTo = path.join(root, ".wrangler", `state-${NAME}`);
const wranglerJs = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const ADMIN_EMAIL = "search-bench-admin@example.com";

// Deterministic data: the same seed gives the same 100,000 vacancies on every run.
let state = 0x2545f491;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
/** Zipf-like: low indexes are far more common, as real tags are. */
const zipf = <T>(items: readonly T[]): T => items[Math.min(items.length - 1, Math.floor(items.length * random() ** 2.5))]!;
const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

// Where vacancies are: a few dense cities (Berlin holds a quarter), the rest spread over the globe.
const CITIES = [
  { place: "Berlin", lat: 52.52, lng: 13.405, share: 0.25 },
  { place: "London", lat: 51.507, lng: -0.128, share: 0.12 },
  { place: "Paris", lat: 48.857, lng: 2.352, share: 0.08 },
  { place: "New York", lat: 40.713, lng: -74.006, share: 0.08 },
  { place: "San Francisco", lat: 37.775, lng: -122.419, share: 0.05 },
  { place: "Tokyo", lat: 35.68, lng: 139.69, share: 0.04 },
  { place: "São Paulo", lat: -23.55, lng: -46.633, share: 0.03 },
  { place: "Zürich", lat: 47.377, lng: 8.541, share: 0.03 },
  { place: "Kraków", lat: 50.065, lng: 19.945, share: 0.02 },
  { place: "Suva", lat: -18.14, lng: 178.44, share: 0.005 },
];
const TAGS = [
  "typescript",
  "python",
  "go",
  "kubernetes",
  "react",
  "aws",
  "postgres",
  "docker",
  "java",
  "rust",
  "node-js",
  "graphql",
  "terraform",
  "kotlin",
  "swift",
  "machine-learning",
  "data",
  "security",
  "sql",
  "linux",
  "figma",
  "c++",
  "scala",
  "elixir",
  "haskell",
  "php",
  "ruby",
  "django",
  "rails",
  "vue",
  ...Array.from({ length: 170 }, (_, i) => `skill-${i}`),
];
const ROLES = ["backend", "frontend", "fullstack", "data", "devops", "mobile", "design", "product", "qa", "security"];
const SENIORITIES = ["intern", "junior", "middle", "senior", "lead", "principal"];
const EMPLOYMENT = ["full-time", "full-time", "full-time", "part-time", "contract", "internship", "temporary"];
const TITLE_WORDS = ["Engineer", "Developer", "Développeur", "Ingeniero", "Entwickler", "Architect", "Analyst", "Designer", "Manager", "Specialist"];
const DESCRIPTION_WORDS = [
  "distributed",
  "systems",
  "café",
  "team",
  "product",
  "growth",
  "platform",
  "naïve",
  "résumé",
  "cloud",
  "mobile",
  "payments",
  "search",
  "realtime",
  "édition",
  "kubernetes",
  "observability",
  "latency",
];
const COMPANIES = 400;

// The grids of shared/jobs-board/geo.ts (FINE_GRID 0.01°, COARSE_GRID 0.2°), numbered the same way.
function cellOf(lat: number, lng: number, size: number): number {
  const rows = Math.round(180 / size);
  const columns = Math.round(360 / size);
  const row = Math.min(rows - 1, Math.max(0, Math.floor((lat + 90) / size)));
  const column = Math.min(columns - 1, Math.max(0, Math.floor((lng + 180) / size)));
  return row * columns + column;
}

const quote = (value: string | number | null) => (value === null ? "NULL" : typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`);

function seedSql(): string {
  const now = Date.now();
  const lines: string[] = [];
  const companyIds = Array.from({ length: COMPANIES }, (_, i) => `bench-company-${i}`);
  lines.push(
    `INSERT INTO companies (id, name, about, verification, created_by, created_at, updated_at) VALUES ${companyIds
      .map((id, i) => `(${quote(id)}, ${quote(`Company ${i}`)}, '', ${quote(i % 3 === 0 ? "verified" : "none")}, 'bench', ${now}, ${now})`)
      .join(", ")};`,
  );
  const rows: string[] = [];
  for (let i = 0; i < VACANCIES; i++) {
    const publishedAt = now - Math.floor(random() * 90 * 86_400_000);
    const tags = [...new Set(Array.from({ length: 2 + Math.floor(random() * 5) }, () => zipf(TAGS)))];
    const title = `${pick(SENIORITIES)} ${pick(ROLES)} ${pick(TITLE_WORDS)}`;
    const description = Array.from({ length: 12 }, () => pick(DESCRIPTION_WORDS)).join(" ");
    let lat: number | null = null;
    let lng: number | null = null;
    let place: string | null = null;
    const r = random();
    if (r < 0.12) {
      // remote, no location
    } else {
      let cumulative = 0.12;
      const city = CITIES.find((c) => (cumulative += c.share) > r);
      if (city) {
        lat = Math.max(-89.9, Math.min(89.9, city.lat + (gaussian() * 10) / 111));
        lng = city.lng + (gaussian() * 10) / (111 * Math.cos((city.lat * Math.PI) / 180));
        lng = ((lng + 540) % 360) - 180;
        place = city.place;
      } else {
        lat = Math.asin(2 * random() - 1) * (180 / Math.PI);
        lng = random() * 360 - 180;
        place = "Somewhere";
      }
    }
    const hasSalary = random() < 0.8;
    const currency = pick(["EUR", "EUR", "USD", "USD", "GBP"]);
    const min = 30_000 + Math.floor(random() * 120) * 1000;
    const max = min + Math.floor(random() * 40) * 1000;
    rows.push(
      `(${[
        quote(`bench-vacancy-${i}`),
        quote(pick(companyIds)),
        quote(title),
        quote(description),
        quote(JSON.stringify(tags)),
        quote(pick(ROLES)),
        quote(pick(EMPLOYMENT)),
        quote(pick(SENIORITIES)),
        hasSalary ? min : null,
        hasSalary ? max : null,
        hasSalary ? quote(currency) : null,
        hasSalary ? quote("year") : null,
        hasSalary ? min : null,
        hasSalary ? max : null,
        lat === null ? 1 : random() < 0.2 ? 1 : 0,
        lat,
        lng,
        place === null ? null : quote(place),
        lat === null ? null : cellOf(lat, lng!, 0.01),
        lat === null ? null : cellOf(lat, lng!, 0.2),
        quote("published"),
        publishedAt,
        quote("bench"),
        publishedAt,
        publishedAt,
      ]
        .map((v) => (v === null ? "NULL" : String(v)))
        .join(", ")})`,
    );
  }
  const columns =
    "id, company_id, title, description, tags, role, employment_type, seniority, salary_min, salary_max, salary_currency, salary_period, salary_min_year, salary_max_year, remote, lat, lng, place, cell, coarse_cell, status, published_at, created_by, created_at, updated_at";
  // D1 refuses statements over 100 kB.
  for (let i = 0; i < rows.length; i += 100) lines.push(`INSERT INTO vacancies (${columns}) VALUES ${rows.slice(i, i + 100).join(", ")};`);
  return lines.join("\n");
}

function wrangler(args: string[]) {
  const result = spawnSync(process.execPath, [wranglerJs, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...localWranglerEnv(NAME), CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

// Written once the seeded rows are indexed: what SEARCH_BENCH_REUSE=1 may start from.
const seededMarker = path.join(persistTo, "seeded.json");
const reusable = REUSE && existsSync(seededMarker) && JSON.parse(readFileSync(seededMarker, "utf8")).vacancies === VACANCIES;
let server: Awaited<ReturnType<typeof startDevServer>>;
let started = Date.now();
if (reusable) {
  console.log(`search bench: reusing the ${VACANCIES} vacancies seeded and indexed in ${persistTo}`);
} else {
  console.log(`search bench: seeding ${VACANCIES} vacancies of ${COMPANIES} companies`);
  // A fresh state directory with the migrations applied, then the rows, then the server on that state.
  server = await startDevServer({ port: PORT, name: NAME, vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL } });
  await server.stop();
  const seedFile = path.join(persistTo, "seed.sql");
  writeFileSync(seedFile, seedSql());
  wrangler(["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", seedFile, "--yes"]);
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
server = await startDevServer({ port: PORT, name: NAME, vars: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, RATE_LIMIT_REGISTER_PER_IP: "1000/60" }, fresh: false });

try {
  const call = async (pathAndQuery: string, init: { method?: string; token?: string; body?: unknown } = {}) => {
    const response = await fetch(`${server.url}${pathAndQuery}`, {
      method: init.method ?? (init.body ? "POST" : "GET"),
      headers: { ...(init.body ? { "content-type": "application/json" } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${pathAndQuery} -> ${response.status} ${text}`);
    return { body: JSON.parse(text), timing: response.headers.get("server-timing") ?? "" };
  };
  if (!reusable) {
    const admin = (await call("/v1/auth/register", { body: { email: ADMIN_EMAIL, password: "search bench admin password", displayName: "Bench admin" } })).body;
    started = Date.now();
    const rebuilt = (await call("/v1/admin/jobs/search-index/rebuild", { method: "POST", token: admin.accessToken })).body;
    console.log(`search index rebuilt: ${rebuilt.indexed} vacancies in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    writeFileSync(seededMarker, JSON.stringify({ vacancies: VACANCIES }));
  }

  const berlin = { lat: 52.52, lng: 13.405 };
  const queries: { name: string; params: Record<string, string | number> }[] = [
    { name: "geo 25 km, Berlin (dense), newest", params: { ...berlin, radiusKm: 25 } },
    { name: "geo 25 km, Berlin (dense), by distance", params: { ...berlin, radiusKm: 25, sort: "distance" } },
    { name: "geo 25 km, Suva (sparse), by distance", params: { lat: -18.14, lng: 178.44, radiusKm: 25, sort: "distance" } },
    { name: "geo 300 km, Kraków (medium), newest", params: { lat: 50.065, lng: 19.945, radiusKm: 300 } },
    { name: "tags any (go, rust) + salary EUR >= 90k, newest", params: { tags: "go,rust", currency: "EUR", salaryMin: 90_000 } },
    {
      name: "tags all (typescript, react) + salary EUR 60-90k, by salary",
      params: { tags: "typescript,react", tagsMode: "all", currency: "EUR", salaryMin: 60_000, salaryMax: 90_000, sort: "salary" },
    },
    { name: "rare tag (skill-150), newest", params: { tags: "skill-150" } },
    { name: "text 'developpeur' (diacritics folded)", params: { q: "developpeur" } },
    { name: "text prefix 'obser'", params: { q: "obser" } },
    { name: "text two words 'naive cafe'", params: { q: "naive cafe" } },
    {
      name: "all combined (text, tags, role, seniority, remote, verified, salary, geo)",
      params: {
        q: "engineer",
        tags: "go,python,typescript",
        role: "backend",
        seniority: "senior",
        remote: "false",
        verified: "true",
        currency: "EUR",
        salaryMin: 50_000,
        ...berlin,
        radiusKm: 25,
      },
    },
    { name: "tags any (go, rust), Berlin 25 km, by distance", params: { tags: "go,rust", ...berlin, radiusKm: 25, sort: "distance" } },
    { name: "company, newest", params: { companyId: "bench-company-7" } },
    { name: "everything, newest", params: {} },
  ];

  const results: { name: string; p50: number; rowsRead: number; returned: number; plan: string }[] = [];
  const measure = async (name: string, query: string) => {
    const samples: number[] = [];
    let last = { rowsRead: 0, returned: 0, plan: "" };
    for (let run = 0; run < RUNS + 2; run++) {
      const t0 = performance.now();
      const { body, timing } = await call(`/v1/vacancies?${query}`);
      const elapsed = performance.now() - t0;
      if (run >= 2) samples.push(elapsed);
      last = { rowsRead: Number(/rows_read=(\d+)/.exec(timing)?.[1]), returned: body.items.length, plan: /plan=([^"]+)/.exec(timing)?.[1] ?? "" };
    }
    results.push({ name, p50: summarize(samples).p50, ...last });
    return last;
  };
  for (const { name, params } of queries) {
    await measure(name, new URLSearchParams(Object.entries({ ...params, limit: PAGE }).map(([k, v]) => [k, String(v)])).toString());
  }
  // Deep pages: follow the cursor 50 pages (1,000 items) in, then measure the next page.
  for (const [name, params] of [
    ["deep cursor page 51, newest", {}],
    ["deep cursor page 51, by salary (EUR)", { currency: "EUR", sort: "salary" }],
    ["deep cursor page 11, Berlin 25 km by distance", { ...berlin, radiusKm: 25, sort: "distance" }],
    ["deep cursor page 31, Berlin 25 km by distance", { ...berlin, radiusKm: 25, sort: "distance" }],
    ["deep cursor page 61, Berlin 25 km by distance", { ...berlin, radiusKm: 25, sort: "distance" }],
    ["deep cursor page 701, Berlin 25 km by distance (densest ring)", { ...berlin, radiusKm: 25, sort: "distance" }],
    ["deep cursor page 11, tags any (go, rust), Berlin 25 km by distance", { tags: "go,rust", ...berlin, radiusKm: 25, sort: "distance" }],
    ["deep cursor page 101, tags any (go, rust), Berlin 25 km by distance", { tags: "go,rust", ...berlin, radiusKm: 25, sort: "distance" }],
    ["deep cursor page 61, Kraków 300 km by distance", { lat: 50.065, lng: 19.945, radiusKm: 300, sort: "distance" }],
  ] as const) {
    let cursor = "";
    const pages = Number(/page (\d+)/.exec(name)![1]) - 1;
    const base = new URLSearchParams(Object.entries({ ...params, limit: PAGE }).map(([k, v]) => [k, String(v)]));
    for (let i = 0; i < pages; i++) {
      const { body } = await call(`/v1/vacancies?${base}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      cursor = body.nextCursor;
    }
    await measure(name, `${base}&cursor=${encodeURIComponent(cursor)}`);
  }

  // Adversarial cursors (issue 23, finding 2): the API's own cursor after a result a centimetre from
  // the point, hand-made cursors with a tiny d (with and without a filter), and cursors the API could
  // not have made. Each: status, p50 and rows_read.
  const adversarial: { name: string; status: number; p50: number; rowsRead: number; returned: number }[] = [];
  const cursorOf = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
  const probe = async (name: string, query: string) => {
    const samples: number[] = [];
    let last = { status: 0, rowsRead: 0, returned: 0 };
    for (let run = 0; run < 7; run++) {
      const t0 = performance.now();
      const response = await fetch(`${server.url}/v1/vacancies?${query}`);
      const text = await response.text();
      samples.push(performance.now() - t0);
      const timing = response.headers.get("server-timing") ?? "";
      last = { status: response.status, rowsRead: Number(/rows_read=(\d+)/.exec(timing)?.[1] ?? 0), returned: response.ok ? JSON.parse(text).items.length : 0 };
    }
    adversarial.push({ name, p50: summarize(samples.slice(2)).p50, ...last });
  };
  {
    // A point a centimetre from a seeded vacancy in Berlin: page 1 (one item) is that vacancy, at ~1e-5 km.
    const nearest = (await call(`/v1/vacancies?lat=${berlin.lat}&lng=${berlin.lng}&radiusKm=25&sort=distance&limit=1`)).body.items[0];
    const point = { lat: nearest.location.lat + 0.00000009, lng: nearest.location.lng };
    const base = `lat=${point.lat}&lng=${point.lng}&radiusKm=25&sort=distance&limit=${PAGE}`;
    const first = (await call(`/v1/vacancies?lat=${point.lat}&lng=${point.lng}&radiusKm=25&sort=distance&limit=1`)).body;
    await probe(`API's cursor after a result ${(first.items[0].distanceKm * 1e5).toFixed(2)} cm away`, `${base}&cursor=${first.nextCursor}`);
    for (const d of [1e-6, 1e-10, 5e-324]) {
      await probe(`hand-made cursor d=${d}`, `${base}&cursor=${cursorOf({ d, s: 0 })}`);
      await probe(`hand-made cursor d=${d}, tags any (go, rust)`, `${base}&tags=go,rust&cursor=${cursorOf({ d, s: 0 })}`);
    }
    await probe("invalid cursor d=-1", `${base}&cursor=${cursorOf({ d: -1, s: 0 })}`);
    await probe("invalid cursor d=1e400 (Infinity)", `${base}&cursor=${cursorOf('{"d":1e400,"s":0}')}`);
    await probe("invalid cursor s=1.5", `${base}&cursor=${cursorOf({ d: 0.5, s: 1.5 })}`);
    await probe("invalid cursor f=2", `${base}&cursor=${cursorOf({ d: 0.5, s: 0, f: 2 })}`);
  }

  // Distance order to the last page: rows_read of every page of the walk (one run each).
  const walks: { name: string; pages: number[]; maxPage: number; items: number }[] = [];
  for (const [name, params] of [
    ["Berlin 25 km by distance", { ...berlin, radiusKm: 25, sort: "distance" }],
    ["tags any (go, rust), Berlin 25 km by distance", { tags: "go,rust", ...berlin, radiusKm: 25, sort: "distance" }],
    ["Kraków 300 km by distance", { lat: 50.065, lng: 19.945, radiusKm: 300, sort: "distance" }],
    ["remote=false, Berlin 25 km by distance", { remote: "false", ...berlin, radiusKm: 25, sort: "distance" }],
    ["rare tag (skill-150), Berlin 25 km by distance", { tags: "skill-150", ...berlin, radiusKm: 25, sort: "distance" }],
  ] as const) {
    const base = new URLSearchParams(Object.entries({ ...params, limit: PAGE }).map(([k, v]) => [k, String(v)]));
    const pages: number[] = [];
    let items = 0;
    let cursor: string | null = "";
    while (cursor !== null) {
      const { body, timing } = await call(`/v1/vacancies?${base}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      pages.push(Number(/rows_read=(\d+)/.exec(timing)?.[1]));
      items += body.items.length;
      cursor = body.nextCursor;
    }
    walks.push({ name, pages, maxPage: pages.indexOf(Math.max(...pages)) + 1, items });
  }

  const target = 20 * PAGE;
  console.log(`page size ${PAGE}; target rows_read <= ${target}; median of ${RUNS} runs each\n`);
  console.log(`${"query".padEnd(78)} ${"p50 ms".padStart(8)} ${"rows_read".padStart(10)} ${"returned".padStart(9)}  plan`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(78)} ${r.p50.toFixed(1).padStart(8)} ${String(r.rowsRead).padStart(10)} ${String(r.returned).padStart(9)}  ${r.plan}${r.rowsRead > target ? "  (over target)" : ""}`,
    );
  }
  console.log(`\nadversarial cursors (issue 23, finding 2), p50 of 5 runs:`);
  for (const r of adversarial) {
    console.log(
      `${r.name.padEnd(78)} ${String(r.status).padStart(4)} ${r.p50.toFixed(1).padStart(8)} ms ${String(r.rowsRead).padStart(6)} rows_read ${String(r.returned).padStart(4)} returned${r.rowsRead > target ? "  (over target)" : ""}`,
    );
  }
  console.log(
    `\nrows_read by page, every page of the walk to the last one (${PAGE} a page; distance pages may end short where the budget stopped their rings):`,
  );
  for (const walk of walks) {
    const shown = [1, 11, 31, 61, 101, 201, 401, 601, 801, 1001].filter((page) => page < walk.pages.length);
    const over = walk.pages.filter((rows) => rows > target).length;
    console.log(
      `${walk.name}: ${[...shown, walk.pages.length].map((page) => `p${page} ${walk.pages[page - 1]}`).join(", ")} (last); ` +
        `max ${walk.pages[walk.maxPage - 1]} at page ${walk.maxPage}; mean ${(walk.pages.reduce((a, b) => a + b, 0) / walk.pages.length).toFixed(0)}; ` +
        `${walk.items} items in ${walk.pages.length} pages${over > 0 ? `; ${over} pages over target` : ""}`,
    );
  }
} finally {
  await server.stop();
}
