/**
 * The first syntax error in a JSON text, with its offset and what was expected and found,
 * the same on every runtime (Bun's JSON.parse names no position). Undefined when the text
 * is well-formed as far as this scanner checks; JSON.parse remains the final word.
 *
 * @example
 * jsonSyntaxError('{"port": }'); // { offset: 9, expected: "a value", found: '"}"' }
 */
export interface JsonSyntaxError { offset: number; expected: string; found: string }

export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const fail = (expected: string): never => {
    throw { offset: i, expected, found: i < text.length ? JSON.stringify(text[i]) : "the end of the file" };
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail("a closing quote");
      i += text[i] === "\\" ? 2 : 1;
    }
    if (i >= text.length) fail("a closing quote");
    i++;
  };
  const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const value = (): void => {
    space();
    if (text[i] === "{") return container("}", () => {
      space();
      if (text[i] !== '"') fail("a quoted key");
      string();
      space();
      if (text[i] !== ":") fail('":"');
      i++;
      value();
    });
    if (text[i] === "[") return container("]", value);
    if (text[i] === '"') return string();
    literal.lastIndex = i;
    if (!literal.test(text)) fail("a value");
    i = literal.lastIndex;
  };
  const container = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === close) return void i++;
      if (text[i] !== ",") fail(`"," or "${close}"`);
      i++;
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail("the end of the file");
    return undefined;
  } catch (error) {
    if (typeof (error as JsonSyntaxError).offset === "number") return error as JsonSyntaxError;
    throw error;
  }
}
