import assert from "node:assert/strict";
import { test } from "node:test";
import { html, innerHtml, trustedHtml, type SafeHtml } from "./html";

const ATTACK = `<img src=x onerror=alert(1)>`;

test("every interpolation is escaped, in content and in quoted attributes", () => {
  const name = `${ATTACK} Tom & "Jerry" 'Tom'`;
  assert.equal(
    html`<a href="${`/rooms/1?q=${name}`}" title='${name}'>${name}</a>`.text,
    `<a href="/rooms/1?q=&lt;img src=x onerror=alert(1)&gt; Tom &amp; &quot;Jerry&quot; &#39;Tom&#39;" title='&lt;img src=x onerror=alert(1)&gt; Tom &amp; &quot;Jerry&quot; &#39;Tom&#39;'>&lt;img src=x onerror=alert(1)&gt; Tom &amp; &quot;Jerry&quot; &#39;Tom&#39;</a>`,
  );
  assert.equal(html`<td>${"&amp;"}</td>`.text, "<td>&amp;amp;</td>", "text that looks escaped is text");
  assert.equal(html`<td>${12.5}</td><td>${0}</td>`.text, "<td>12.5</td><td>0</td>");
  assert.equal(html`${"Zoë — plain"}`.text, "Zoë — plain");
});

test("the literal parts are markup; nested html is inserted once, not escaped again", () => {
  const cell = html`<td class="n">${"1 & 2"}</td>`;
  assert.equal(html`<tr>${cell}</tr>`.text, `<tr><td class="n">1 &amp; 2</td></tr>`);
  assert.equal(html`<p>${html`<b>${html`<i>${"<"}</i>`}</b>`}</p>`.text, "<p><b><i>&lt;</i></b></p>");
});

test("lists are joined, each item escaped or inserted as it is", () => {
  assert.equal(html`<ul>${["<a>", html`<li>${"b"}</li>`, 3, ["&", html`<br>`]]}</ul>`.text, "<ul>&lt;a&gt;<li>b</li>3&amp;<br></ul>");
  assert.equal(html`<ul>${[]}</ul>`.text, "<ul></ul>");
});

test("nothing, for optional pieces: null, undefined and false are empty; an empty string too", () => {
  const late = false;
  assert.equal(html`<td>${null}${undefined}${late && html`<span>late</span>`}${""}</td>`.text, "<td></td>");
  assert.equal(html`<td>${!late && html`<span>on time</span>`}</td>`.text, "<td><span>on time</span></td>");
});

test("trustedHtml is the one way to insert markup made elsewhere, unescaped", () => {
  const svg = `<svg viewBox="0 0 1 1"><path d="M0 0h1"/></svg>`;
  assert.equal(html`<div>${trustedHtml(svg)}</div>`.text, `<div>${svg}</div>`);
  assert.deepEqual(innerHtml(trustedHtml(svg)), { __html: svg });
});

test("innerHtml takes only safe markup, never a plain string or a look-alike object", () => {
  assert.deepEqual(innerHtml(html`<tr><td>${ATTACK}</td></tr>`), { __html: "<tr><td>&lt;img src=x onerror=alert(1)&gt;</td></tr>" });
  // @ts-expect-error a plain string is not safe markup
  const fromString = (markup: string) => innerHtml(markup);
  // @ts-expect-error nor is an object shaped like it
  const fromObject = (markup: { text: string }) => innerHtml(markup);
  assert.equal(typeof fromString, "function");
  assert.equal(typeof fromObject, "function");
  const safe: SafeHtml = html`${"x"}`;
  assert.equal(String(safe), "x", "safe markup reads as its text");
});

test("the five characters are escaped, also repeated; text with none of them is as it is", () => {
  assert.equal(html`${`&<>"'`}`.text, "&amp;&lt;&gt;&quot;&#39;");
  assert.equal(html`${"a<<b>>&&"}`.text, "a&lt;&lt;b&gt;&gt;&amp;&amp;");
  assert.equal(html`${"1 234,56 €"}`.text, "1 234,56 €");
});
