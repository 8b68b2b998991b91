/**
 * The README's Pusher error-code table, generated from `pusherCodeTable` so the docs
 * cannot drift from the code (tests/pusherCodes.test.ts checks it;
 * `bun scripts/codes-reference.ts --write` refreshes README.md).
 *
 * @example
 * pusherCodesReference(); // "| code | meaning | client | scx sends it when |\n..."
 */
import { pusherCodeTable } from "./errorCodes.ts";

export function pusherCodesReference(): string {
  const rows = Object.entries(pusherCodeTable).map(([code, row]) =>
    `| ${code} | ${row.meaning} | ${row.reconnect} | ${row.scx.replaceAll("|", "\\|")} |`);
  return ["| code | meaning | pusher-js then | scx sends it when |", "|---|---|---|---|", ...rows].join("\n");
}

/** Replace the text between `<!-- pusher-codes:start -->` and `:end -->` in a README. */
export function withPusherCodesReference(readme: string): string {
  const block = `<!-- pusher-codes:start -->\n${pusherCodesReference()}\n<!-- pusher-codes:end -->`;
  return readme.replace(/<!-- pusher-codes:start -->[\s\S]*?<!-- pusher-codes:end -->/, () => block);
}
