/**
 * The README's close-code and error-name tables, generated from `closeCodeTable` and
 * `errorNameTable` so the docs cannot drift from the code (tests/docs.test.ts checks it;
 * `bun scripts/codes-reference.ts --write` refreshes README.md).
 *
 * @example
 * codesReference(); // "| code | meaning | scx sends it | client reconnects |\n..."
 */
import { closeCodeTable } from "./closeCodes.ts";
import { errorNameTable } from "./errorNames.ts";

const reconnectWords = { "at once": "at once (first attempt)", backoff: "with backoff", never: "never" } as const;

export function codesReference(): string {
  const codes = Object.entries(closeCodeTable).filter(([, row]) => row.scx).map(([code, row]) => {
    const reconnect = code === "1001" ? "scx/client: within the hint; socketcluster-client: with backoff" : reconnectWords[row.reconnect];
    return `| ${code} | ${row.meaning} | ${cell(row.scx!)} | ${reconnect} |`;
  });
  const names = Object.entries(errorNameTable).map(([name, meaning]) => `| \`${name}\` | ${cell(meaning)} |`);
  return [
    "| code | meaning (the reason when none is given) | scx uses it when | client reconnects |",
    "|---|---|---|---|",
    ...codes,
    "| 4500–4999 | application codes (`socket.disconnect(code)`, a handshake error's `statusCode`) | your code decides | never |",
    "",
    "| error name | meaning |",
    "|---|---|",
    ...names,
  ].join("\n");
}

/** Replace the text between `<!-- codes-reference:start -->` and `:end -->` in a README. */
export function withCodesReference(readme: string): string {
  const block = `<!-- codes-reference:start -->\n${codesReference()}\n<!-- codes-reference:end -->`;
  return readme.replace(/<!-- codes-reference:start -->[\s\S]*?<!-- codes-reference:end -->/, () => block);
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|");
}
