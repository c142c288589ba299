import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnName, xlsxSheet } from '../../core/xlsx-sheet.js';
import { readZip } from '../helpers/read-zip.js';

test('column letters: A, Z, AA, AZ, BA, ZZ, AAA', () => {
  assert.deepEqual([0, 25, 26, 51, 52, 701, 702].map(columnName), ['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
});

test('an .xlsx is a ZIP with the SpreadsheetML parts; cells are typed and escaped', () => {
  const file = xlsxSheet(['index', 'question', 'prediction'], [
    [1000002, 'Is <b> & "c" > d?', 'B'],
    [3, null, 'bell\u0007 and _x0041_'],
  ]);
  assert.equal(file.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004');
  const parts = readZip(file);
  assert.deepEqual([...parts.keys()], ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml']);
  assert.match(parts.get('xl/workbook.xml')!.toString(), /<sheet name="Sheet1" sheetId="1" r:id="rId1"\/>/);
  const sheet = parts.get('xl/worksheets/sheet1.xml')!.toString();
  assert.match(sheet, /<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">index<\/t><\/is><\/c>/);
  assert.match(sheet, /<c r="A2"><v>1000002<\/v><\/c>/);
  assert.match(sheet, /Is &lt;b&gt; &amp; "c" &gt; d\?/);
  // row 3: the empty cell is left out, the control character and the literal escape are escaped
  assert.match(sheet, /<row r="3"><c r="A3"><v>3<\/v><\/c><c r="C3" t="inlineStr"><is><t xml:space="preserve">bell_x0007_ and _x005F_x0041_<\/t>/);
  // deterministic: the same rows give the same bytes
  assert.deepEqual(xlsxSheet(['a'], [['b']]), xlsxSheet(['a'], [['b']]));
});

test('a row of the wrong length or a non-finite number is refused', () => {
  assert.throws(() => xlsxSheet(['a', 'b'], [['x']]), /row 1 has 1 cells for 2 columns/);
  assert.throws(() => xlsxSheet(['a'], [[Number.NaN]]), /cell A2: NaN/);
});
