// A JSON object whose large fields are row-major matrices, as chunks of text (one matrix row each), so a kernel of
// thousands of rows is written without first building one string of hundreds of megabytes. The text equals
// JSON.stringify of the same object with the matrices as nested arrays. A field given as a function is called when
// its turn comes (a timing that includes the writing of the fields before it).

/** A row-major [rows, values.length / rows] matrix, written as [[...], ...]. */
export class JsonMatrix {
  constructor(
    readonly values: Float64Array,
    readonly rows: number,
  ) {}
}

export function* jsonChunks(fields: Readonly<Record<string, unknown>>): Generator<string> {
  let first = true;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    yield `${first ? '{' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (typeof value === 'function') {
      yield JSON.stringify((value as () => unknown)());
      continue;
    }
    if (!(value instanceof JsonMatrix)) {
      yield JSON.stringify(value);
      continue;
    }
    const cols = value.rows === 0 ? 0 : value.values.length / value.rows;
    for (let i = 0; i < value.rows; i++) yield `${i === 0 ? '[' : ','}${JSON.stringify(Array.from(value.values.subarray(i * cols, (i + 1) * cols)))}`;
    yield value.rows === 0 ? '[]' : ']';
  }
  yield first ? '{}' : '}';
}
