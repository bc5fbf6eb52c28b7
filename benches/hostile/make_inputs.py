#!/usr/bin/env python3
"""Writes the hostile forms of issue 16 into DIR (argv[1]): a two-sheet workbook, XLSX bombs
of empty cells, a workbook with one 1 GB shared string and one with 50 million shared
strings, and a form whose title holds terminal escape sequences. Streamed: nothing is held
in memory whole."""
import sys, zipfile, os

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '{sheets}'
      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def workbook(path, sheets, shared=None):
    """sheets: list of (name, writer(f)); shared: writer(f) for sharedStrings.xml or None."""
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        overrides = ''.join(
            f'<Override PartName="/xl/worksheets/sheet{i+1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(len(sheets)))
        z.writestr('[Content_Types].xml', CT.format(sheets=overrides))
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS}><sheets>' + ''.join(
            f'<sheet name="{n}" sheetId="{i+1}" r:id="rId{i+1}"/>' for i, (n, _) in enumerate(sheets)) + '</sheets></workbook>')
        rels = ''.join(
            f'<Relationship Id="rId{i+1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i+1}.xml"/>'
            for i in range(len(sheets)))
        rels += f'<Relationship Id="rId{len(sheets)+1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        z.writestr('xl/_rels/workbook.xml.rels',
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + rels + '</Relationships>')
        for i, (_, write) in enumerate(sheets):
            with z.open(f'xl/worksheets/sheet{i+1}.xml', 'w', force_zip64=True) as f:
                write(f)
        with z.open('xl/sharedStrings.xml', 'w', force_zip64=True) as f:
            if shared:
                shared(f)
            else:
                f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="0" uniqueCount="0"/>'.encode())


def rows_sheet(rows):
    def write(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
        for r, cells in enumerate(rows, 1):
            f.write(f'<row r="{r}">'.encode())
            for c, v in enumerate(cells):
                ref = chr(65 + c) + str(r)
                f.write(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'.encode())
            f.write(b'</row>')
        f.write(b'</sheetData></worksheet>')
    return write


# 1. One district per sheet.
head = ['序号', '作品名称', '创作单位', '推荐单位']
workbook(os.path.join(out, 'two-sheets.xlsx'), [
    ('渝中区', rows_sheet([head] + [[str(i), f'渝中作品{i}', f'渝中单位{i}', '渝中区'] for i in (1, 2, 3)])),
    ('北碚区', rows_sheet([head] + [[str(i), f'北碚作品{i}', f'北碚单位{i}', '北碚区'] for i in (4, 5, 6)])),
])


# 2. Empty cells: a header row, then rows of <c r="E3"/> until `unpacked` bytes.
def empty_cells(unpacked):
    def write(f):
        f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
        f.write('<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>作品名称</t></is></c><c r="C1" t="inlineStr"><is><t>创作单位</t></is></c></row>'.encode())
        chunk = b'<row r="3">' + b'<c r="E3"/>' * 100_000 + b'</row>'
        written = 0
        while written < unpacked:
            f.write(chunk)
            written += len(chunk)
        f.write(b'</sheetData></worksheet>')
    return write


for name, size in (('empty-cells-1.65GB.xlsx', 1_650_000_000), ('empty-cells-3.3GB.xlsx', 3_300_000_000)):
    workbook(os.path.join(out, name), [('Sheet1', empty_cells(size))])


# 3. Shared strings: one of 1 GB; 50 million short ones.
def one_huge_string(f):
    f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si><t>'.encode())
    chunk = b'A' * (1 << 20)
    for _ in range(1024):
        f.write(chunk)
    f.write(b'</t></si></sst>')


def many_strings(f):
    f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="50000000" uniqueCount="50000000">'.encode())
    chunk = b'<si><t>a</t></si>' * 100_000
    for _ in range(500):
        f.write(chunk)
    f.write(b'</sst>')


small = rows_sheet([head, ['1', '作品', '单位', '渝中区']])
workbook(os.path.join(out, 'shared-string-1GB.xlsx'), [('Sheet1', small)], one_huge_string)
workbook(os.path.join(out, 'shared-strings-50M.xlsx'), [('Sheet1', small)], many_strings)

# 5. A title with escape sequences, backspace and bell.
with open(os.path.join(out, 'escape-title.csv'), 'w', encoding='utf-8') as f:
    f.write('序号,作品名称,创作单位,推荐单位\n')
    # A realistic form: one hostile title among forty rows (a file mostly of control bytes
    # is refused as binary before any row is read).
    for i in range(1, 41):
        if i == 3:
            f.write('3,作品3 \x1b]0;pwned\x07\x1b[31mRED\b\b,单位3,渝中区\n')
        else:
            f.write(f'{i},作品{i}，一个普通的科普短视频标题,单位{i},渝中区\n')
