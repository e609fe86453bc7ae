import assert from "node:assert/strict";
import { test } from "node:test";
import { messages } from "@/lib/i18n/messages";
import { answeringErrors, BodyError, ConflictError, errorResponse, formError, httpStatus, LockedError, NotFoundError, ValidationError } from "./errors";

test("each domain error has its HTTP status; any other error is a 500", () => {
  assert.equal(httpStatus(new NotFoundError()), 404);
  assert.equal(httpStatus(new ValidationError("bad", "code")), 422);
  assert.equal(httpStatus(new LockedError("invoiced")), 409);
  assert.equal(httpStatus(new ConflictError("changed", [1])), 409);
  assert.equal(httpStatus(new BodyError(413, "too large")), 413);
  assert.equal(httpStatus(new Error("bug")), 500);
});

test("a route answers a domain error in plain text; any other error is thrown on", async () => {
  const answer = errorResponse(new NotFoundError("This link is not valid."));
  assert.equal(answer.status, 404);
  assert.equal(answer.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await answer.text(), "This link is not valid.\n");
  const bug = new Error("bug");
  assert.throws(() => errorResponse(bug), (error: unknown) => error === bug);

  const route = answeringErrors(async (kind: string) => {
    if (kind === "missing") throw new NotFoundError();
    if (kind === "bug") throw bug;
    return new Response("ok");
  });
  assert.equal((await route("missing")).status, 404);
  assert.equal(await (await route("found")).text(), "ok");
  await assert.rejects(route("bug"), (error: unknown) => error === bug);
});

test("a form shows a domain error in the user's language, or one field's message", () => {
  const { en, fr } = messages;
  assert.deepEqual(formError(new NotFoundError("conference not found"), fr), { message: fr.codes.notFound });
  assert.deepEqual(formError(new LockedError("invoiced"), en), { message: en.codes.lockedInvoiced });
  assert.deepEqual(formError(new ConflictError("changed", [4]), en), { message: en.codes.conflict });
  assert.deepEqual(formError(new ConflictError("changed", [4, 5, 6]), en), { message: en.codes.conflictMany.replace("{count}", "3") });
  assert.deepEqual(formError(new ValidationError("Code invalide", "code"), fr), { message: "Code invalide", field: "code" });
  assert.equal(formError(new ValidationError("no field"), en), undefined);
  assert.equal(formError(new Error("bug"), en), undefined);
});
