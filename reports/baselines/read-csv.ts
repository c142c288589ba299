/**
 * A small RFC 4180 reader for user baseline files: quoted fields, doubled quotes, commas and line
 * breaks inside quotes, CRLF or LF. Baseline files are a few hundred rows, so reading the whole text
 * is fine; the project keeps csv-parse out of its runtime dependencies.
 */
export function readCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (index < text.length) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index += 2;
        continue;
      }
      if (character === '"') quoted = false;
      else field += character;
      index += 1;
      continue;
    }
    if (character === '"' && field === '') quoted = true;
    else if (character === ',') {
      record.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      if (character === '\r' && text[index + 1] === '\n') index += 1;
    } else field += character;
    index += 1;
  }
  if (quoted) throw new Error('a quoted field is not closed before the end of the file');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((cells) => !(cells.length === 1 && cells[0]!.trim() === ''));
}

/** Records as objects keyed by the header row; `line` is the 1-based line of the first header. */
export function readCsvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = readCsvRecords(text);
  if (!header) return [];
  const names = header.map((name) => name.trim());
  return rows.map((cells) => {
    const object: Record<string, string> = {};
    names.forEach((name, column) => {
      object[name] = cells[column] ?? '';
    });
    // Surplus cells are kept under their position so strict validation reports them rather than dropping them.
    for (let column = names.length; column < cells.length; column += 1) object[`column ${column + 1}`] = cells[column]!;
    return object;
  });
}
