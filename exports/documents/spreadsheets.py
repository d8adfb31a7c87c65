"""Excel (openpyxl) and CSV files of participant tables.

Names and organisations are typed by the public, so every text cell that a
spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return
at the start) is neutralised with a leading apostrophe.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

from ..queries import lists

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD.MM.YYYY"


def neutralise(value):
    """Text that starts like a formula gets a leading apostrophe, so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _excel_value(value, kind):
    if value is None:
        return None
    if kind == lists.MONEY:
        return Decimal(value)
    if kind == lists.BOOL:
        return lists.display(value, kind)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    return neutralise(str(value))


def table_to_xlsx(table, *, title):
    """An .xlsx with typed columns, a frozen header row and an autofilter."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([neutralise(h) for h in table.headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    kinds = [c.type for c in table.columns]
    for row in table.typed_rows():
        sheet.append([_excel_value(v, k) for v, k in zip(row, kinds, strict=True)])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        number_format = {lists.MONEY: EURO_FORMAT, lists.DATE: DATE_FORMAT}.get(column.type)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    if table.columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{sheet.max_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value, kind):
    if value is None:
        return ""
    if kind == lists.MONEY:
        # German Excel reads '250,00' as a number.
        return f"{Decimal(value):.2f}".replace(".", ",")
    return neutralise(lists.display(value, kind))


def table_to_csv(table):
    """UTF-8 with BOM and ';' as separator: what German Excel opens without an import dialog."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.headers])
    kinds = [c.type for c in table.columns]
    for row in table.typed_rows():
        writer.writerow([_csv_value(v, k) for v, k in zip(row, kinds, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
