/**
 * Part of `npm run lint`: every commit subject from FIRST on is at most MAX_SUBJECT characters
 * (older history is left as it is). Without a git history, or in a shallow clone that lacks FIRST,
 * there is nothing to check: it says so in one line and passes.
 */
import { spawnSync } from "node:child_process";

/** The first commit the rule applies to. */
const FIRST = "e8d3a48";
const MAX_SUBJECT = 72;

/** git's output, or undefined when git is missing or the command fails (no repository, unknown commit). */
function git(...args: string[]): string | undefined {
  const result = spawnSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return result.status === 0 ? result.stdout : undefined;
}

function main(): number {
  if (git("rev-parse", "--git-dir") === undefined) {
    console.log("Commit subjects: no git history here, nothing to check.");
    return 0;
  }
  if (git("merge-base", "--is-ancestor", FIRST, "HEAD") === undefined) {
    console.log(`Commit subjects: ${FIRST} is not in this history (a shallow clone?), nothing to check.`);
    return 0;
  }
  // FIRST itself, then every commit HEAD has that FIRST does not: merged branches' commits too.
  const log = `${git("log", "-1", "--format=%h %s", FIRST) ?? ""}${git("log", "--format=%h %s", `${FIRST}..HEAD`) ?? ""}`;
  const commits = log
    .split("\n")
    .filter(Boolean)
    // Characters as people count them: "→" or "é" is one, however many bytes it takes.
    .map((line) => ({ line, length: [...line.slice(line.indexOf(" ") + 1)].length }));
  const long = commits.filter((c) => c.length > MAX_SUBJECT);
  for (const c of long) console.error(`${c.line}\n  a subject of ${c.length} characters, more than ${MAX_SUBJECT}`);
  console.log(`Commit subjects: ${commits.length} checked since ${FIRST}, ${long.length} longer than ${MAX_SUBJECT} characters.`);
  return long.length ? 1 : 0;
}

process.exitCode = main();
