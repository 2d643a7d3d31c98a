"""SQL expressions that make the cells of a file inside PostgreSQL, for COPY exports.

A CSV column is an expression COPY writes as it is; an XLSX row is the concatenation
of its cells' XML (`sheet_row`), one `<row>` a line. Cells and rows carry no reference
(`r`, optional in SpreadsheetML: each is the next one), so that a cell's XML does not
depend on its row and can be made once per region or indicator, not once per figure;
a missing value is an empty `<c/>` holding its column's place. Text that a spreadsheet
would run as a formula is defused as `formats._csv_cell` does; free text keeps its spaces.
"""

from service.exports.xlsx import DATETIME

EMPTY_CELL = "'<c/>'"


def csv_text(expr: str) -> str:
    """As formats.csv_chunks writes text: blank for none, a leading = + - @ defused."""
    # ascii(): the first character's code point, without a substring per cell.
    return (
        f"case when ascii({expr}) in (61, 43, 45, 64) then '''' || {expr}"
        f" else nullif({expr}, '') end"
    )


def csv_field(expr: str) -> str:
    """`csv_text` quoted as COPY's CSV quotes a field (comma, quote, CR or LF); '' for none,
    for a field that is part of a line made whole in SQL."""
    text = csv_text(expr)
    return (
        f"""coalesce(case when {text} ~ '[,"\r\n]' then '"' || replace({text}, '"', '""')"""
        f""" || '"' else {text} end, '')"""
    )


def iso_utc(expr: str) -> str:
    """datetime.isoformat() of the UTC moment: microseconds only when there are any.

    Measured at national scale, to_char costs no more than building the text from the
    timestamp's own output (which also needs the timestamp twice and a DateStyle)."""
    return (
        f"""replace(to_char({expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),"""
        f" '.000000', '') || '+00:00'"
    )


def xml_text(expr: str, *, spaces: bool = False) -> str:
    """An inline-string cell; an empty cell if null."""
    escaped = (
        f"replace(replace(replace(replace(replace({expr}, '&', '&amp;'), '<', '&lt;'),"
        f" '>', '&gt;'), E'\\r', '&#13;'), E'\\n', '&#10;')"
    )
    space = "''"
    if spaces:  # free text may start or end with a space, which XML would drop
        space = f"""case when {expr} ~ '^\\s|\\s$' then ' xml:space="preserve"' else '' end"""
    return (
        f"""coalesce('<c t="inlineStr"><is><t' || {space} || '>'"""
        f" || {escaped} || '</t></is></c>', {EMPTY_CELL})"
    )


def xml_number(expr: str, style: str = "") -> str:
    return f"""coalesce('<c{style}><v>' || {expr} || '</v></c>', {EMPTY_CELL})"""


def xml_datetime(expr: str) -> str:
    """An Excel date serial (days since 1899-12-30) of the UTC moment, in the date style."""
    return xml_number(
        f"round(extract(epoch from {expr}) / 86400 + 25569, 11)::text", f' s="{DATETIME}"'
    )


def sheet_row(cells: list[str]) -> str:
    """One `<row>` of the cells (SQL text expressions, each one or more cells)."""
    return "'<row>' || " + " || ".join(cells) + " || '</row>'"
