// Request parameter checks as AWS's validator words them, for every action.

/** AWS's validator wording: "Value 'x' at 'field' failed to satisfy constraint: Member must …". */
export const violation = (value: string | null, field: string, constraint: string) =>
  `Value ${value === null ? 'null' : `'${value}'`} at '${field}' failed to satisfy constraint: Member must ${constraint}`;

/** Length and pattern of a string parameter; a missing one is a problem only when `required`. */
export function checkString(
  problems: string[],
  value: string | null,
  field: string,
  min: number,
  max: number,
  pattern: RegExp,
  patternText: string,
  required = false,
) {
  if (value === null) {
    if (required) problems.push(violation(null, field, 'not be null'));
    return;
  }
  if (value.length < min) problems.push(violation(value, field, `have length greater than or equal to ${min}`));
  if (value.length > max) problems.push(violation(value, field, `have length less than or equal to ${max}`));
  if (!pattern.test(value))
    problems.push(violation(value, field, `satisfy regular expression pattern: ${patternText}`));
}

/** DurationSeconds: `range.default` when absent or not an integer, else the number (out of range is a problem). */
export function readDuration(
  problems: string[],
  raw: string | null,
  range: { default: number; min: number; max: number },
): number {
  if (raw === null) return range.default;
  if (!/^-?\d+$/.test(raw)) {
    problems.push(violation(raw, 'durationSeconds', 'be an integer'));
    return range.default;
  }
  const n = Number(raw);
  if (n < range.min)
    problems.push(violation(raw, 'durationSeconds', `have value greater than or equal to ${range.min}`));
  if (n > range.max) problems.push(violation(raw, 'durationSeconds', `have value less than or equal to ${range.max}`));
  return n;
}
