/**
 * Turn what went wrong in an API request into its HTTP answer: a zod failure names the
 * field (400), a named scx error maps to its status, anything else is a 500.
 *
 * @example
 * apiProblem(zodError, "body"); // { status: 400, error: { name: "InvalidArgumentsError", message: "Invalid request body: \"channel\": expected a non-empty channel name" } }
 */
import type { z } from "zod";
import { ErrorName } from "../protocol/errorNames.ts";

export interface ApiProblem { status: 400 | 404 | 500 | 501 | 503; error: { name: string; message: string } }

/** "Invalid request body: "a.b": detail" for the first issue. */
export function describeIssues(error: z.ZodError, where: "body" | "query"): string {
  const issue = error.issues[0]!;
  const place = where === "body" ? "request body" : "query";
  let detail = issue.message.replace(/^Invalid input: /, "");
  if (issue.code === "unrecognized_keys") detail = `unknown ${issue.keys.length > 1 ? "keys" : "key"} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  else detail = detail.charAt(0).toLowerCase() + detail.slice(1);
  const path = issue.path.map(String).join(".");
  return path === "" ? `Invalid ${place}: ${detail}` : `Invalid ${place}: "${path}": ${detail}`;
}

export function apiProblem(error: unknown): ApiProblem {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  const text = message ?? String(error);
  if (name === ErrorName.InvalidAction && /not available/.test(text)) return { status: 501, error: { name, message: text } };
  if (name === ErrorName.InvalidAction || name === ErrorName.InvalidArguments) return { status: 400, error: { name, message: text } };
  if (name === ErrorName.Broker || name === ErrorName.Timeout) return { status: 503, error: { name, message: text } };
  return { status: 500, error: { name: ErrorName.Unknown, message: text } };
}
