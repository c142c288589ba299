import { zipArchive } from './zip-archive.js';

// One worksheet as an .xlsx file (Office Open XML SpreadsheetML, the minimal part set: content types,
// relationships, workbook, one sheet), what pandas' DataFrame.to_excel(index=False) gives a reader: a
// header row, then one row per record, named Sheet1. Text is written as inline strings, finite numbers
// as numbers, null/undefined as empty cells.

export type CellValue = string | number | null | undefined;

// Characters XML 1.0 cannot carry; SpreadsheetML writes them as _xHHHH_.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
// A literal `_xHHHH_` would be read back as an escape: its underscore is escaped (_x005F_).
const LOOKS_ESCAPED = /_(x[0-9A-Fa-f]{4}_)/g;

function xmlText(text: string): string {
  return text
    .replace(LOOKS_ESCAPED, '_x005F_$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(NOT_XML, (character) => `_x${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}

/** A1-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(position: number): string {
  let name = '';
  for (let rest = position + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    name = String.fromCharCode(65 + ((rest - 1) % 26)) + name;
  }
  return name;
}

function cell(value: CellValue, reference: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cell ${reference}: ${value} cannot be written to a spreadsheet`);
    return `<c r="${reference}"><v>${value}</v></c>`;
  }
  return `<c r="${reference}" t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
}

function sheetXml(header: readonly string[], rows: readonly (readonly CellValue[])[]): string {
  const lines = [header, ...rows].map((values, rowPosition) => {
    const cells = values.map((value, column) => cell(value, `${columnName(column)}${rowPosition + 1}`)).join('');
    return `<row r="${rowPosition + 1}">${cells}</row>`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    `<sheetData>${lines.join('')}</sheetData></worksheet>`
  );
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
  '</Types>';

const PACKAGE_RELATIONSHIPS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
  '</Relationships>';

const WORKBOOK =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
  '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>';

const WORKBOOK_RELATIONSHIPS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
  '</Relationships>';

/** The .xlsx bytes of one sheet: `header`, then `rows` (each as long as the header). */
export function xlsxSheet(header: readonly string[], rows: readonly (readonly CellValue[])[]): Buffer {
  rows.forEach((row, position) => {
    if (row.length !== header.length) throw new Error(`row ${position + 1} has ${row.length} cells for ${header.length} columns`);
  });
  const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');
  return zipArchive([
    { name: '[Content_Types].xml', data: utf8(CONTENT_TYPES) },
    { name: '_rels/.rels', data: utf8(PACKAGE_RELATIONSHIPS) },
    { name: 'xl/workbook.xml', data: utf8(WORKBOOK) },
    { name: 'xl/_rels/workbook.xml.rels', data: utf8(WORKBOOK_RELATIONSHIPS) },
    { name: 'xl/worksheets/sheet1.xml', data: utf8(sheetXml(header, rows)) },
  ]);
}
