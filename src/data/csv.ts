/**
 * CSV parsing per RFC 4180: fields separated by commas, quoted with `"`, a quote inside a quoted
 * field doubled (`""`), records separated by CRLF or LF; the first record is the header.
 */
export function parseCsv(text: string, source: string): Record<string, string>[] {
  const records = splitRecords(text);
  if (records.length === 0) return [];
  const [header, ...rows] = records;
  return rows
    .filter((row) => !(row.length === 1 && row[0] === ""))
    .map((row, index) => {
      if (row.length !== header.length) {
        throw new Error(
          `${source}: record ${index + 2} has ${row.length} fields, the header has ${header.length}`,
        );
      }
      return Object.fromEntries(header.map((name, column) => [name, row[column]]));
    });
}

function splitRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let position = 0; position < text.length; position++) {
    const character = text[position];
    if (quoted) {
      if (character === '"' && text[position + 1] === '"') {
        field += '"';
        position++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ",") {
      record.push(field);
      field = "";
    } else if (character === "\n" || character === "\r") {
      if (character === "\r" && text[position + 1] === "\n") position++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += character;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
