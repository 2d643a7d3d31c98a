"""SQL expressions that make the cells of a file inside PostgreSQL, for COPY exports.

A CSV column is an expression COPY writes as it is; an XLSX row is the concatenation
of its cells' XML (`sheet_row`), one `<row>` a line. Text that a spreadsheet would run
as a formula is defused as `formats._csv_cell` does; free text keeps its spaces.
"""

from openpyxl.utils import get_column_letter

from service.exports.xlsx import DATETIME


def csv_text(expr: str) -> str:
    """As formats.csv_chunks writes text: blank for none, a leading = + - @ defused."""
    # ascii(): the first character's code point, without a substring per cell.
    return (
        f"case when ascii({expr}) in (61, 43, 45, 64) then '''' || {expr}"
        f" else nullif({expr}, '') end"
    )


def iso_utc(expr: str) -> str:
    """datetime.isoformat() of the UTC moment: microseconds only when there are any."""
    return (
        f"""replace(to_char({expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),"""
        f" '.000000', '') || '+00:00'"
    )


def xml_text(expr: str, *, spaces: bool = False) -> str:
    """An inline-string cell of column `{col}` (filled in by `sheet_row`); nothing if null."""
    escaped = (
        f"replace(replace(replace(replace(replace({expr}, '&', '&amp;'), '<', '&lt;'),"
        f" '>', '&gt;'), E'\\r', '&#13;'), E'\\n', '&#10;')"
    )
    space = "''"
    if spaces:  # free text may start or end with a space, which XML would drop
        space = f"""case when {expr} ~ '^\\s|\\s$' then ' xml:space="preserve"' else '' end"""
    return (
        f"""coalesce('<c r="{{col}}' || n || '" t="inlineStr"><is><t' || {space} || '>'"""
        f" || {escaped} || '</t></is></c>', '')"
    )


def xml_number(expr: str, style: str = "") -> str:
    return f"""coalesce('<c r="{{col}}' || n || '"{style}><v>' || {expr} || '</v></c>', '')"""


def xml_datetime(expr: str) -> str:
    """An Excel date serial (days since 1899-12-30) of the UTC moment, in the date style."""
    return xml_number(
        f"round(extract(epoch from {expr}) / 86400 + 25569, 11)::text", f' s="{DATETIME}"'
    )


def sheet_row(cells: list[str]) -> str:
    """One `<row>` of the cells; the query must number its rows as `n` (header: row 1)."""
    row = " || ".join(
        c.replace("{col}", get_column_letter(i)) for i, c in enumerate(cells, start=1)
    )
    return f"""'<row r="' || n || '">' || {row} || '</row>'"""
