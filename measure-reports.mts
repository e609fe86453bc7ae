// Temporary: the toll-free report on the embedded default with the demo data, then after 50,000 more legs.
import { login } from "./scripts/bench/http.ts";
const base = process.argv[2]!;
const key = process.argv[3]!;
const cookie = await login(base, { username: "owner@phoenix.example", password: "Phoenix-Owner-1", number: "602127" });
async function time(url: string) {
  const t0 = performance.now();
  const r = await fetch(base + url, { headers: { cookie } });
  const b = Buffer.from(await r.arrayBuffer());
  return { status: r.status, ms: Math.round(performance.now() - t0), bytes: b.length, lines: (b.toString().match(/Total \(([\d\s ,]+) lines?\)|Lines 1–\d+ of ([\d\s ,]+)/) ?? []).slice(1).join("") };
}
async function round(label: string) {
  for (const type of ["toll-free", "participation", "usage", "conference-history"]) {
    const page = await time(`/reports?type=${type}&range=past-12-months`);
    const page2 = await time(`/reports?type=${type}&range=past-12-months&page=10`);
    const csv = await time(`/reports/download?type=${type}&range=past-12-months&format=csv`);
    const xlsx = await time(`/reports/download?type=${type}&range=past-12-months&format=xlsx`);
    const lines = Number(String(csv.bytes ? (await (await fetch(base + `/reports/download?type=${type}&range=past-12-months&format=csv`, { headers: { cookie } })).text()).split("\n").length : 0));
    console.log(`${label} ${type}: html ${page.status} ${page.ms} ms (page 10: ${page2.ms} ms), csv ${csv.status} ${csv.ms} ms, xlsx ${xlsx.status} ${xlsx.ms} ms, ${lines} csv lines`);
  }
}
await round("demo");
if (key) {
  const rows = ["leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product"];
  const now = Date.now() - 40 * 86400_000;
  for (let i = 0; i < 50_000; i++) {
    const j = new Date(now + i * 30_000);
    rows.push(`M${i},MC${Math.floor(i / 5)},332703,${i % 2 ? "toll-free" : "toll"},${j.toISOString()},${new Date(j.getTime() + 300_000).toISOString()},Caller ${i},+33 1 00 00 ${String(i % 100).padStart(2, "0")} 00,0 800 00 00 00,,`);
  }
  const t0 = performance.now();
  const r = await fetch(base + "/api/v1/cdrs", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" }, body: rows.join("\n") });
  console.log("ingest", r.status, await r.text(), Math.round(performance.now() - t0), "ms");
  await round("+50k");
}
