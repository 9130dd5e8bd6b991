"""Reading a customer file: CSV in UTF-8 as Excel's 'CSV UTF-8' saves it, header in any order.

The rows come back as they are written; checking each one against the directory is the import's
job (`customers.import_customers`), which reports a bad row by the line `CsvRow` remembers.

    >>> [row] = read_customer_csv(b"name,ref,phones,tier,language,account_manager\\n Ann ,7,55501234,,,\\n")
    >>> row["ref"], row["name"], row.line
    ('7', 'Ann', 2)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from appliance.errors import InvalidInput

__all__ = ("CSV_COLUMNS", "CsvRow", "read_customer_csv")

CSV_COLUMNS = ("ref", "name", "phones", "tier", "language", "account_manager")


class CsvRow(dict[str, str]):
    """One row of a customer file by column; `line` is where it starts in the file and `fields`
    how many fields it had (a row with more or fewer than the header's is rejected)."""

    def __init__(self, values: Mapping[str, str], line: int, fields: int) -> None:
        super().__init__(values)
        self.line = line
        self.fields = fields


def read_customer_csv(data: bytes) -> list[CsvRow]:
    """Rows of a customer file (UTF-8, a BOM allowed, header `CSV_COLUMNS` in any order).
    InvalidInput when the file as a whole cannot be used; bad rows are left to the import."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidInput(
            f"it is not UTF-8 text (line {line} has byte {data[exc.start]:#04x}): "
            "in Excel, save it as 'CSV UTF-8 (Comma delimited)'."
        ) from None
    expected = ",".join(CSV_COLUMNS)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if not any(header):
            raise InvalidInput(f"it is empty: the first line must be the header {expected}.")
        missing = [c for c in CSV_COLUMNS if c not in header]
        unknown = [h for h in header if h not in CSV_COLUMNS]
        if missing or unknown or len(header) != len(set(header)):
            found = ",".join(header)
            raise InvalidInput(
                f"its header is {found!r}: the first line must name the columns {expected} (in any order)."
            )
        rows, line = [], reader.line_num
        for fields in reader:
            start, line = line + 1, reader.line_num
            if not any(f.strip() for f in fields):
                continue  # blank lines, and Excel's rows of empty cells
            values = dict(zip(header, (f.strip() for f in fields)))
            rows.append(CsvRow({c: values.get(c, "") for c in CSV_COLUMNS}, start, len(fields)))
    except csv.Error as exc:
        raise InvalidInput(f"line {reader.line_num} cannot be read as CSV ({exc}): fix it and import again.") from None
    return rows
