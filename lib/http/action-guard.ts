/**
 * Posts to the portal's pages (server actions) are checked before Next decodes them. Next
 * answered 500 to a foreign Origin ("Invalid Server Actions request"), to a multipart body cut
 * short, and to action arguments its decoder cannot resolve: a body that is not JSON (`garbage`),
 * a reference to a part that is not there (`["$Q5"]`, `["$@5"]`, `["$B5"]`), in the arguments of
 * a fetch action or in the bound arguments of a form posted without JavaScript. What the
 * arguments hold once decoded is each action's own check (`formOf` in lib/actions/form.ts, the
 * schemas of the bound arguments).
 */

export type Refusal = { status: 400 | 403; message: string };

const NOT_A_FORM: Refusal = { status: 400, message: "The form could not be read." };
const BAD_ARGUMENTS: Refusal = { status: 400, message: "The action's arguments could not be read." };

/** Whether the request's Origin, when it sends one, is the host it was sent to (Next's own comparison). */
function sameOrigin(origin: string | null, host: string | null): boolean {
  if (origin === null) return true;
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A part of an encoded reply, by its number; undefined when there is none (or it is a file). */
type Part = (id: number) => string | undefined;
const MAX_DEPTH = 32;

/**
 * Whether an encoded action argument (React's reply format) uses only what the portal's forms
 * send: JSON values, escaped strings (`$$…`), `$undefined`, a form's fields (`$K<n>`), and parts
 * of the same body (`$@<n>`, `$<n>`) that are there and valid in turn. Anything else (maps, sets,
 * blobs, streams, dates, server references…) is refused rather than left to the decoder.
 */
function validReply(json: string, part: Part, seen = new Set<number>(), depth = 0): boolean {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return false;
  }
  return validValue(value, part, seen, depth);
}

function validValue(value: unknown, part: Part, seen: Set<number>, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (typeof value === "string") {
    if (!value.startsWith("$") || value.startsWith("$$") || value === "$undefined" || /^\$K[0-9a-f]+$/.test(value)) return true;
    const reference = /^\$@?([0-9a-f]+)$/.exec(value);
    if (!reference) return false;
    const id = parseInt(reference[1]!, 16);
    if (seen.has(id)) return true;
    seen.add(id);
    const text = part(id);
    return text !== undefined && validReply(text, part, seen, depth + 1);
  }
  if (Array.isArray(value)) return value.every((v) => validValue(v, part, seen, depth + 1));
  if (value !== null && typeof value === "object") return Object.values(value).every((v) => validValue(v, part, seen, depth + 1));
  return true;
}

const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};

/** The arguments of a form's actions: a fetch action's (`0` and its parts), or those bound to a form posted without JavaScript. */
function validForm(form: FormData, fetchAction: boolean): boolean {
  if (fetchAction) {
    const root = field(form, "0");
    return root !== undefined && validReply(root, (id) => field(form, String(id)));
  }
  for (const name of form.keys()) {
    const bound = /^\$ACTION_REF_(.*)$/.exec(name);
    if (!bound) continue;
    const prefix = `$ACTION_${bound[1]}:`;
    const root = field(form, `${prefix}0`);
    if (root === undefined || !validReply(root, (id) => field(form, `${prefix}${id}`))) return false;
  }
  return true;
}

/**
 * The refusal for a post to a page (not /api/*), if it has to be refused. Reads the body (Next
 * keeps its own copy for the page).
 */
export async function actionRefusal(request: Request): Promise<Refusal | undefined> {
  const headers = request.headers;
  if (!sameOrigin(headers.get("origin"), headers.get("x-forwarded-host") ?? headers.get("host"))) return { status: 403, message: "Forms of this portal are only posted from its own pages." };
  const fetchAction = headers.has("next-action");
  const type = (headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "multipart/form-data") {
    const form = await request.formData().catch(() => undefined);
    if (!form) return NOT_A_FORM;
    return validForm(form, fetchAction) ? undefined : BAD_ARGUMENTS;
  }
  if (!fetchAction) return undefined;
  // A fetch action's text body: the JSON array of its arguments, with no parts to refer to.
  const body = await request.text();
  return body.startsWith("[") && validReply(body, () => undefined) ? undefined : BAD_ARGUMENTS;
}
