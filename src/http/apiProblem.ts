/**
 * Turn what went wrong in an API request into its HTTP answer: a zod failure names the
 * field (400), a named scx error maps to its status, anything else is a 500.
 *
 * @example
 * describeIssues(zodError, "body"); // 'Invalid request body: "channel": expected a non-empty channel name'
 * apiProblem(new Error("boom")); // { status: 500, error: { name: "UnknownError", message: "boom" } }
 */
import type { z } from "zod";
import { ErrorName } from "../protocol/errorNames.ts";

export interface ApiProblem { status: 400 | 404 | 500 | 501 | 503; error: { name: string; message: string } }

/**
 * "Invalid request body: "a.b": detail" for the first issue.
 *
 * @example
 * describeIssues(schema.safeParse(body).error!, "body"); // 'Invalid request body: "channel": expected string, received number'
 */
export function describeIssues(error: z.ZodError, where: "body" | "query"): string {
  const issue = error.issues[0]!;
  const place = where === "body" ? "request body" : "query";
  let detail = issue.message.replace(/^Invalid input: /, "");
  if (issue.code === "unrecognized_keys") detail = `unknown ${issue.keys.length > 1 ? "keys" : "key"} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  else detail = detail.charAt(0).toLowerCase() + detail.slice(1);
  const path = issue.path.map(String).join(".");
  return path === "" ? `Invalid ${place}: ${detail}` : `Invalid ${place}: "${path}": ${detail}`;
}

/**
 * The status and JSON error for what a route's call threw.
 *
 * @example
 * apiProblem(namedError("BrokerError", "Redis is unreachable")).status; // 503
 */
export function apiProblem(error: unknown): ApiProblem {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  const text = message ?? String(error);
  if (name === ErrorName.InvalidAction && /not available/.test(text)) return { status: 501, error: { name, message: text } };
  if (name === ErrorName.InvalidAction || name === ErrorName.InvalidArguments) return { status: 400, error: { name, message: text } };
  if (name === ErrorName.Broker || name === ErrorName.Timeout) return { status: 503, error: { name, message: text } };
  return { status: 500, error: { name: ErrorName.Unknown, message: text } };
}
