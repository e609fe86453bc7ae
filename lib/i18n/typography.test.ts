import assert from "node:assert/strict";
import { test } from "node:test";
import { messages } from "./messages";

/** Every string of a messages object with its key path. */
function* strings(value: unknown, path = ""): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (value && typeof value === "object") for (const [key, inner] of Object.entries(value)) yield* strings(inner, path ? `${path}.${key}` : key);
}

/**
 * French typography: an espace fine insécable (U+202F) before « : ; ! ? » that end a clause —
 * never a plain space, a no-break space or nothing. A mark inside a token (07:30, HH:MM,
 * SHA256:…, https://, ?t=) is no punctuation and is left alone.
 */
test("every French message puts a narrow no-break space before : ; ! ?", () => {
  const wrong: string[] = [];
  for (const [key, text] of strings(messages.fr)) {
    for (const m of text.matchAll(/(.?)([:;!?])(?=[\s"»)]|$)/g)) {
      if (m[1] !== "\u202f") wrong.push(`${key}: …${text.slice(Math.max(0, m.index - 12), m.index + 3)}…`);
    }
    for (const m of text.matchAll(/[ \u00a0][:;!?]/g)) wrong.push(`${key}: …${text.slice(Math.max(0, m.index - 12), m.index + 3)}… (a space that breaks)`);
  }
  assert.deepEqual(wrong, []);
});

test("English messages keep their marks glued to the word", () => {
  const wrong = [...strings(messages.en)].filter(([, text]) => /[\s\u202f][:;!?](?=\s|$)/.test(text)).map(([key]) => key);
  assert.deepEqual(wrong, []);
});
