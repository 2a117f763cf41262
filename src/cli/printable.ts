// Text from outside (profile names and serials from the AWS files or from
// AWS, paths, variables) as the terminal may show it: a control character is
// written out (\x1b, \u009b), never sent, so nothing printed can move the
// cursor, retitle the window or hide a line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const escapeChar = (c: string) => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control character written out. */
export function visible(text: string): string {
  return text.replace(CONTROL, escapeChar);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 but leaves DEL, C1 (a lone
 * U+009B is a CSI to some terminals) and the line separators as they are.
 */
export function terminalJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
