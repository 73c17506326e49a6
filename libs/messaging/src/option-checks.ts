// The checks the relay's and the consumer's constructors make of their numeric options, with the
// error naming the class and the option.

/** `value`, if it is a whole number of milliseconds (0 or more). */
export function wholeMilliseconds(owner: string, option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${owner}: ${option} must be a whole number of milliseconds`);
  return value;
}

/** `value`, if it is a whole number above 0. */
export function positiveInteger(owner: string, option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${owner}: ${option} must be a positive integer`);
  return value;
}
