"""Producers in and out of a spreadsheet: CSV (semicolons, decimal commas) or XLSX, the same columns both ways.

An import checks every row first and reports every bad one (line number and reason, in French); it writes
nothing unless all rows are good, and then writes them all in one transaction. A row whose `identifiant` is a farm
of the territory (as the export writes it) updates that farm; any other row adds a farm. A blank template (the
columns, no row) is offered on the import page.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from conserverie.core.exports import XlsxBook, csv_bytes, restore
from conserverie.producers.geo import distance_from_hub
from conserverie.producers.models import Producer
from conserverie.producers.services import producer_create, producer_update
from conserverie.territories.permissions import require

COLUMNS = [
    "nom",
    "commune",
    "latitude",
    "longitude",
    "distance_km",
    "certifiee_ab",
    "fin_certification",
    "reseaux",
    "active",
    "adresse",
    "telephone",
    "acces",
    "identifiant",
]
REQUIRED = ["nom", "commune", "latitude", "longitude"]
MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
YES = {"oui", "o", "vrai", "1", "x", "yes", "true"}
NO = {"non", "n", "faux", "0", "no", "false"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRefused(Exception):
    """The file cannot be imported: `problems` lists (line number or None, French reason), every one of them."""

    def __init__(self, problems: list[tuple[int | None, str]]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class Row:
    line: int
    values: dict
    cleaned: dict = field(default_factory=dict)


# Reading


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _header(cells) -> list[str]:
    return [_text(c).lower().replace(" ", "_") for c in cells]


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRefused([(1, _("Colonnes obligatoires absentes : %(columns)s.") % {"columns": ", ".join(missing)})])


def read_csv(data: bytes) -> list[Row]:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")
    first = content.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(content), delimiter=delimiter)
    header = _header(next(reader, []))
    _check_header(header)
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        cells = (restore(v.strip()) for v in values)
        rows.append(Row(line=reader.line_num, values=dict(zip(header, cells, strict=False))))
    return rows


def read_xlsx(data: bytes) -> list[Row]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not a workbook
        raise ImportRefused([(None, _("Ce fichier n'est pas un classeur XLSX lisible."))]) from None
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = _header(next(lines, ()) or ())
    _check_header(header)
    rows = []
    for number, cells in enumerate(lines, start=2):
        if not any(_text(c) for c in cells):
            continue
        values = {}
        for name, cell in zip(header, cells, strict=False):
            if isinstance(cell, str):
                cell = restore(cell)
            values[name] = cell.date() if isinstance(cell, datetime) else cell
        rows.append(Row(line=number, values=values))
    book.close()
    return rows


def read_file(upload) -> list[Row]:
    """The rows of an uploaded CSV or XLSX file (by its content: an XLSX is a zip archive)."""
    if upload.size > MAX_BYTES:
        raise ImportRefused([(None, _("Le fichier dépasse 2 Mo."))])
    data = upload.read()
    rows = read_xlsx(data) if data[:2] == b"PK" else read_csv(data)
    if not rows:
        raise ImportRefused([(None, _("Le fichier ne contient aucune ligne de producteur."))])
    if len(rows) > MAX_ROWS:
        raise ImportRefused([(None, _("Pas plus de %(n)s lignes par import.") % {"n": MAX_ROWS})])
    return rows


# Checking


def _decimal(value) -> Decimal | None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value).replace(",", ".").replace(" ", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day, no time nor zone
        except ValueError:
            continue
    raise ValueError


def _bool(value, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError


def _clean(row: Row, territory) -> list[str]:
    """Fill `row.cleaned`; return the French reasons it is bad (all of them)."""
    v, reasons, c = row.values, [], row.cleaned
    for column in REQUIRED:
        if not _text(v.get(column)):
            reasons.append(_("la colonne « %(column)s » est vide") % {"column": column})
    c["name"], c["commune"] = _text(v.get("nom")), _text(v.get("commune"))
    if len(c["name"]) > 150:
        reasons.append(_("le nom dépasse 150 caractères"))
    if len(c["commune"]) > 100:
        reasons.append(_("la commune dépasse 100 caractères"))
    for column, key, limit in (("latitude", "lat", 90), ("longitude", "lon", 180)):
        try:
            number = _decimal(v.get(column))
        except ValueError:
            reasons.append(
                _("« %(value)s » n'est pas un nombre (%(column)s)") % {"value": _text(v.get(column)), "column": column}
            )
            continue
        if number is not None and not -limit <= number <= limit:
            reasons.append(
                _("%(column)s hors limites (entre -%(limit)s et %(limit)s)") % {"column": column, "limit": limit}
            )
        c[key] = number.quantize(Decimal("0.000001")) if number is not None else None
    try:
        c["distance_km"] = _decimal(v.get("distance_km"))
        if c["distance_km"] is not None and c["distance_km"] < 0:
            reasons.append(_("la distance ne peut pas être négative"))
    except ValueError:
        reasons.append(_("« %(value)s » n'est pas une distance en km") % {"value": _text(v.get("distance_km"))})
    if c.get("distance_km") is None and c.get("lat") is not None and c.get("lon") is not None and not reasons:
        c["distance_km"] = distance_from_hub(territory, c["lat"], c["lon"])
    if c.get("distance_km") is not None:
        c["distance_km"] = c["distance_km"].quantize(Decimal("0.1"))
    try:
        c["certification_expiry"] = _date(v.get("fin_certification"))
    except ValueError:
        reasons.append(
            _("date « %(value)s » illisible (attendu JJ/MM/AAAA)") % {"value": _text(v.get("fin_certification"))}
        )
    for column, key in (("certifiee_ab", "organic_certified"), ("active", "is_active")):
        try:
            c[key] = _bool(v.get(column), default=True)
        except ValueError:
            reasons.append(
                _("« %(value)s » : répondez oui ou non (%(column)s)")
                % {"value": _text(v.get(column)), "column": column}
            )
    c["networks"] = ", ".join(part.strip() for part in _text(v.get("reseaux")).split(",") if part.strip())
    if len(c["networks"]) > 200:
        reasons.append(_("la liste des réseaux dépasse 200 caractères"))
    for column, key, limit in (("adresse", "address", 250), ("telephone", "phone", 30), ("acces", "access_notes", 300)):
        c[key] = _text(v.get(column))
        if len(c[key]) > limit:
            reasons.append(_("%(column)s : %(limit)s caractères au plus") % {"column": column, "limit": limit})
    identifier = _text(v.get("identifiant"))
    c["id"] = int(identifier) if identifier.isdigit() else None
    if identifier and c["id"] is None:
        reasons.append(
            _("identifiant « %(value)s » illisible (un nombre, tel que l'export l'écrit)") % {"value": identifier}
        )
    return reasons


def check_rows(rows: list[Row], territory) -> list[tuple[int, str]]:
    """Every problem of every row: (line, reason). Duplicates are looked for in the file and in the territory."""
    problems = []
    farms = dict(Producer.objects.filter(territory=territory).values_list("pk", "name"))
    existing = {name.casefold(): pk for pk, name in farms.items()}
    seen: dict[str, int] = {}
    seen_ids: dict[int, int] = {}
    for row in rows:
        reasons = _clean(row, territory)
        key = row.cleaned["name"].casefold()
        # An id of this territory's farm: this row updates it. Any other id (another territory's export): a new farm.
        if row.cleaned.get("id") not in farms:
            row.cleaned["id"] = None
        farm_id = row.cleaned["id"]
        if farm_id is not None:
            if farm_id in seen_ids:
                reasons.append(_("même ferme qu'à la ligne %(line)s") % {"line": seen_ids[farm_id]})
            seen_ids[farm_id] = row.line
        if key:
            if key in seen:
                reasons.append(_("même nom qu'à la ligne %(line)s") % {"line": seen[key]})
            else:
                seen[key] = row.line
            if key in existing and existing[key] != farm_id:
                reasons.append(_("une ferme de ce nom existe déjà sur le territoire"))
        if reasons:
            message = "; ".join(reasons)
            problems.append((row.line, message[0].upper() + message[1:] + "."))
    return problems


def producers_import(*, actor, territory, rows: list[Row]) -> list[Producer]:
    """One farm per row, created or (its `identifiant` given) updated, all or nothing; each farm returned says which
    in `import_action`. Raises ImportRefused listing every bad row."""
    require(actor, territory, "producer.manage")
    problems = check_rows(rows, territory)
    if problems:
        raise ImportRefused(problems)
    done = []
    with transaction.atomic():
        for row in rows:
            c = row.cleaned
            fields = {
                "name": c["name"],
                "commune": c["commune"],
                "lat": c["lat"],
                "lon": c["lon"],
                "distance_km": c["distance_km"],
                "organic_certified": c["organic_certified"],
                "certification_expiry": c["certification_expiry"],
                "networks": c["networks"],
                "address": c["address"],
                "phone": c["phone"],
                "access_notes": c["access_notes"],
            }
            try:
                if c["id"] is not None:
                    farm = Producer.objects.get(pk=c["id"], territory=territory)
                    producer = producer_update(actor=actor, producer=farm, is_active=c["is_active"], **fields)
                    producer.import_action = "updated"
                else:
                    producer = producer_create(actor=actor, territory=territory, **fields)
                    if not c["is_active"]:
                        producer.is_active = False
                        producer.save(update_fields=["is_active"])
                    producer.import_action = "created"
            except ValidationError as exc:
                raise ImportRefused([(row.line, " ".join(exc.messages))]) from None
            done.append(producer)
    return done


# Writing


def export_rows(producers) -> list[list]:
    return [
        [
            p.name,
            p.commune,
            p.lat,
            p.lon,
            p.distance_km,
            "oui" if p.organic_certified else "non",
            p.certification_expiry,
            p.networks,
            "oui" if p.is_active else "non",
            p.address,
            p.phone,
            p.access_notes,
            p.pk,
        ]
        for p in producers
    ]


def export_csv(producers) -> bytes:
    return csv_bytes(COLUMNS, export_rows(producers))


def export_xlsx(producers) -> bytes:
    # Coordinates as text: a spreadsheet's binary floats would blur the sixth decimal.
    rows = [[str(v) if isinstance(v, Decimal) else v for v in row] for row in export_rows(producers)]
    book = XlsxBook()
    book.sheet("producteurs", COLUMNS, rows)
    return book.bytes()
