"""What a recall tells the authorities: the notification to the DDPP and the fields of a RappelConso declaration.

Regulation (EC) 178/2002 art. 19(1) and (3): a food business operator who considers that a food it placed on the
market is not safe withdraws it, recalls it from consumers when it may have reached them, and informs the competent
authorities immediately, with the measures taken. In France the operator notifies the DDPP of its department (the
guide d'aide à la gestion des alertes d'origine alimentaire, DGAL/DGCCRF/DGS, and its declaration form) and declares a
recall to consumers on RappelConso (code de la consommation art. L. 423-3; code rural art. L. 205-7-1).

Both documents are written from the same `RecallNotice`, read in a fixed number of queries whatever the number of
lots and distributions: the recall, its lots with the jars made, the distribution lines, the stock, the jars taken
back, the decider's training. Residents are never named: the notification counts households per place and day
(the named list stays with the operator, on the recall sheet, for the authority that asks for it).

It lives in `distribution` because it needs where the jars went (docs/architecture.md §3, « Pages that show a
higher layer »); its URLs sit under the lot's recall sheet.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from conserverie.core.pdf_pages import numbered_canvas
from conserverie.distribution.models import Distribution, DistributionLine
from conserverie.distribution.trace import FARM
from conserverie.production.labelling import food_business_operator
from conserverie.production.models import Hazard, Recall, RecallScope
from conserverie.production.trace import recall_recovered
from conserverie.recipes.lethality import LOW_ACID
from conserverie.recipes.models import HeatTreatment
from conserverie.stock.models import MovementKind, StockMovement
from conserverie.territories.models import Role
from conserverie.territories.permissions import role_in, valid_training

# These texts and the RappelConso field names stay in French whatever the reader's language: they go to a French
# authority and into a French form (the views build both documents under `translation.override("fr")`).
# What the consumer risks, per hazard (RappelConso « risques encourus par le consommateur ») and what to watch for
# (« préconisations sanitaires »). Botulism is the hazard of a home-style low-acid preserve; the advice is the one
# of the public health authorities: see a doctor, or call the 15, and say what was eaten.
RISKS = {
    Hazard.MICROBIOLOGICAL: (
        "Risque microbiologique : toxine botulique (botulisme) ou autres micro-organismes (moisissures, levures).",
        "En cas de troubles de la vue, de difficultés à avaler ou à parler, de faiblesse des muscles après avoir "
        "consommé ce produit, appeler le 15 ou consulter un médecin sans attendre en signalant cette consommation.",
    ),
    Hazard.CHEMICAL: (
        "Risque chimique : présence possible d'une substance indésirable.",
        "En cas de malaise après avoir consommé ce produit, consulter un médecin en signalant cette consommation.",
    ),
    Hazard.PHYSICAL: (
        "Risque de blessure : présence possible d'un corps étranger (éclat de verre…).",
        "En cas de blessure de la bouche ou de douleur après avoir consommé ce produit, consulter un médecin.",
    ),
    Hazard.ALLERGEN: (
        "Risque allergique : allergène présent et non déclaré sur l'étiquette.",
        "Les personnes allergiques qui ont consommé ce produit et présentent des symptômes doivent consulter un "
        "médecin ; en cas de gêne respiratoire, appeler le 15.",
    ),
    Hazard.OTHER: (
        "Produit non conforme : voir le motif du rappel.",
        "En cas de symptômes après avoir consommé ce produit, consulter un médecin en signalant cette consommation.",
    ),
}

CONSUMER_ADVICE = [
    "Ne pas consommer le produit, même s'il a l'air normal, et ne pas ouvrir le bocal.",
    "Rapporter le bocal fermé lors d'un atelier ou au centre social où il a été remis.",
    "La consigne du bocal est rendue.",
]


@dataclass
class NoticeLot:
    code: str
    produced_on: date
    best_before: date
    jars_made: int


@dataclass
class Outlet:
    """One place jars of the recalled lots went (never a resident's name)."""

    kind: str
    place: str
    city: str = ""
    first: date = None
    last: date = None
    jars: int = 0
    households: set = field(default_factory=set)

    @property
    def kind_label(self) -> str:
        if self.kind == FARM:
            return str(_("Ferme (bocaux rendus à façon)"))
        return str(Distribution.Kind(self.kind).label)

    @property
    def dates(self) -> str:
        if self.first == self.last:
            return _d(self.first)
        return _("du %(a)s au %(b)s") % {"a": _d(self.first), "b": _d(self.last)}

    @property
    def who(self) -> str:
        if self.kind == Distribution.Kind.PARTICIPANT:
            return _("%(n)s foyer(s)") % {"n": len(self.households)}
        return self.place


@dataclass
class RecallNotice:
    recall: Recall
    operator_name: str
    operator_address: str
    product: str
    recipe_version: int
    category: str
    treatment: str
    formats: list[str]
    storage: str
    lots: list[NoticeLot]
    outlets: list[Outlet]
    jars_in_stock: int
    jars_withdrawn: int
    decider: str
    decider_quality: str
    public_url: str
    # Upstream traceability (guide d'aide à la gestion des alertes, annexe V, point 4): what went into the lots.
    upstream: list = field(default_factory=list)

    @property
    def jars_made(self) -> int:
        return sum(lot.jars_made for lot in self.lots)

    @property
    def jars_out(self) -> int:
        return sum(o.jars for o in self.outlets)

    @property
    def households(self) -> int:
        return sum(len(o.households) for o in self.outlets)

    @property
    def first_out(self):
        return min((o.first for o in self.outlets), default=None)

    @property
    def last_out(self):
        return max((o.last for o in self.outlets), default=None)

    @property
    def cities(self) -> list[str]:
        return sorted({o.city for o in self.outlets if o.city})

    @property
    def distributors(self) -> list[str]:
        """The places that handed jars on (RappelConso « distributeurs »): sites, structures, shops, partners."""
        return sorted({o.place for o in self.outlets if o.place})

    @property
    def risk(self) -> str:
        return RISKS[self.recall.hazard][0]

    @property
    def health_advice(self) -> str:
        return RISKS[self.recall.hazard][1]

    @property
    def end_of_recall(self):
        """The recall runs until the last best-before date of its lots (RappelConso « date de fin »)."""
        return max((lot.best_before for lot in self.lots), default=None)

    def measures(self) -> list[str]:
        """The measures taken: what the platform did and counted, then what the decider wrote."""
        recall = self.recall
        lines = [
            _("Lots bloqués dans le registre le %(day)s : plus aucune cession, vente ni utilisation possible.")
            % {"day": _dt(recall.recalled_at)},
            _("Bocaux retirés des étagères et détruits depuis le rappel : %(n)s ; encore en stock à retirer : %(s)s.")
            % {"n": self.jars_withdrawn, "s": self.jars_in_stock},
        ]
        if recall.scope == RecallScope.RECALL:
            lines.append(
                _(
                    "Rappel auprès des consommateurs : chaque foyer et chaque structure ayant reçu des bocaux est "
                    "prévenu (liste nominative tenue à la disposition de la DDPP) ; la page publique du lot "
                    "(QR code sur chaque bocal) affiche le rappel."
                )
            )
        else:
            lines.append(_("Retrait : les bocaux sont retirés avant toute remise aux consommateurs."))
        if recall.measures:
            lines += [line.strip() for line in recall.measures.splitlines() if line.strip()]
        return lines


def _d(day) -> str:
    return date_format(day, "d/m/Y") if day else ""


def _dt(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i") if moment else ""


def _outlet_key(d: Distribution) -> tuple[tuple, str, str]:
    """Where a distribution happened, named as the authority can find it (never the resident)."""
    if d.kind == Distribution.Kind.PARTICIPANT:
        if d.workshop_id and d.workshop.site_id:
            site = d.workshop.site
            return ("site", site.pk), site.name, site.city
        return ("location", d.location_id), d.location.name, ""
    if d.kind == Distribution.Kind.INTERNAL and d.structure_id:
        return ("structure", d.structure_id), d.structure.name, d.structure.city
    if d.kind == Distribution.Kind.PARTNER:
        return ("partner", d.partner.strip().lower()), d.partner, ""
    return ("location", d.location_id), d.location.name, ""


def _dated(outlet: Outlet, day: date) -> None:
    outlet.first = day if outlet.first is None else min(outlet.first, day)
    outlet.last = day if outlet.last is None else max(outlet.last, day)


def _outlets(lot_ids) -> list[Outlet]:
    lines = (
        DistributionLine.objects.filter(lot_id__in=lot_ids)
        .select_related("distribution__workshop__site", "distribution__structure", "distribution__location")
        .order_by("distribution__date", "distribution_id", "id")
    )
    found: dict[tuple, Outlet] = {}
    for line in lines:
        d = line.distribution
        key, place, city = _outlet_key(d)
        outlet = found.setdefault((d.kind, key), Outlet(kind=d.kind, place=place, city=city))
        outlet.jars += line.quantity
        if d.participant_id:
            outlet.households.add(d.participant_id)
        _dated(outlet, d.date)
    # A farm that took back jars of its own produce (à façon) holds them too: the authority must know where.
    returns = (
        StockMovement.objects.filter(lot_id__in=lot_ids, kind=MovementKind.RETURNED_TO_FARM)
        .select_related("farm_return__producer")
        .order_by("day", "id")
    )
    for move in returns:
        farm = move.farm_return.producer
        outlet = found.setdefault((FARM, farm.pk), Outlet(kind=FARM, place=farm.name, city=farm.commune))
        outlet.jars += -move.quantity
        _dated(outlet, move.day)
    order = {kind: i for i, kind in enumerate([*Distribution.Kind.values, FARM])}
    return sorted(found.values(), key=lambda o: (order[o.kind], o.first, o.place.lower()))


def _treatment_label(code: str) -> str:
    return str(HeatTreatment(code).label).split(" (")[0] if code in HeatTreatment.values else code


def _quality(recall: Recall) -> str:
    """In what capacity the decider decided: coordination, and/or a HACCP training valid on the recall day."""
    user, territory = recall.recalled_by, recall.territory
    parts = []
    if role_in(user, territory) == Role.COORDINATOR:
        parts.append(str(_("coordination du territoire")))
    training = valid_training(user, territory, timezone.localtime(recall.recalled_at).date())
    if training is not None:
        parts.append(
            _("formation HACCP du %(day)s (%(org)s)") % {"day": _d(training.obtained_on), "org": training.organisation}
        )
    return " ; ".join(parts) or str(_("équipe du territoire"))


def recall_notice(recall: Recall, base_url: str = "") -> RecallNotice:
    """Everything both documents say, in a fixed number of queries (`base_url`: the site's, for the QR page)."""
    lots = list(
        recall.lots.annotate(
            jars_made=Sum("movements__quantity", filter=Q(movements__kind=MovementKind.PRODUCED))
        ).order_by("code")
    )
    ids = [lot.pk for lot in lots]
    snapshot = recall.lot.recipe_snapshot
    formats = [
        _("%(name)s, %(g)s g net") % {"name": f["name"], "g": f["net_weight_g"]}
        + (_(" (égoutté %(g)s g)") % {"g": f["drained_weight_g"]} if f.get("drained_weight_g") else "")
        for f in snapshot.get("formats", {}).values()
    ]
    treatments = sorted(
        {
            _("%(t)s %(c)s °C, %(m)s min")
            % {"t": _treatment_label(f["treatment"]), "c": f["temperature_c"], "m": f["minutes"]}
            for f in snapshot.get("formats", {}).values()
        }
    )
    stock = StockMovement.objects.filter(lot_id__in=ids).aggregate(n=Sum("quantity"))["n"] or 0
    operator = food_business_operator(recall.territory)
    user = recall.recalled_by
    return RecallNotice(
        recall=recall,
        operator_name=operator.name,
        operator_address=operator.address,
        product=snapshot["name"],
        recipe_version=snapshot.get("version", 1),
        category=str(
            _("Conserve peu acide (pH > 4,5), stérilisée")
            if snapshot.get("category") == LOW_ACID
            else _("Conserve acide (pH inférieur ou égal à 4,5), pasteurisée")
        ),
        treatment="; ".join(treatments),
        formats=formats,
        storage=snapshot.get("storage_advice", ""),
        lots=[NoticeLot(lot.code, lot.produced_on, lot.best_before, lot.jars_made or 0) for lot in lots],
        outlets=_outlets(ids),
        jars_in_stock=stock,
        jars_withdrawn=recall_recovered(recall),
        decider=user.get_full_name() or user.get_username(),
        decider_quality=_quality(recall),
        public_url=base_url + reverse("lot_public:lot_public", args=[recall.lot.code]),
        upstream=_upstream(ids),
    )


def _upstream(lot_ids) -> list[list]:
    """Each raw lot and supplier lot drawn into the recalled lots (two queries): lot, origin, product, date, kg."""
    from conserverie.production.models import PantryUse
    from conserverie.sourcing.models import RawLotMovement

    rows = []
    for m in (
        RawLotMovement.objects.filter(production_lot_id__in=lot_ids, kind=RawLotMovement.Kind.USED)
        .values_list(
            "production_lot__code",
            "raw_lot__code",
            "raw_lot__producer__name",
            "raw_lot__producer__commune",
            "raw_lot__product__name",
            "raw_lot__collected_on",
        )
        .annotate(kg=Sum("kg"))
        .order_by("production_lot__code", "raw_lot__code")
    ):
        lot, raw, farm, commune, product, day, kg = m
        rows.append([lot, raw, f"{farm} ({commune})" if commune else farm, product, _d(day), f"{kg:.2f}"])
    for use in (
        PantryUse.objects.filter(lot_id__in=lot_ids)
        .values_list(
            "lot__code",
            "pantry_lot__supplier_lot",
            "pantry_lot__supplier",
            "pantry_lot__item__name",
            "pantry_lot__received_on",
            "kg",
        )
        .order_by("lot__code", "pantry_lot__item__name", "pk")
    ):
        lot, supplier_lot, supplier, item, day, kg = use
        rows.append([lot, supplier_lot, supplier, item, _d(day), f"{kg:.3f}"])
    return rows


# --- The notification to the DDPP (PDF) ----------------------------------------------------------------------------


def notice_title(notice: RecallNotice) -> str:
    return _("Notification d'une alerte — lot %(code)s") % {"code": notice.recall.lot.code}


def notice_pdf(notice: RecallNotice) -> bytes:
    """The notification to send to the DDPP, in the order of the French declaration form: notifier, product, lots,
    hazard, distribution, measures, contact. Every particular of Regulation (EC) 178/2002 art. 19 on one or two
    A4 pages."""
    recall = notice.recall
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=notice_title(notice),
        author=notice.operator_name,
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("notice", fontSize=9.5, leading=12, splitLongWords=0)
    small = body.clone("notice-small", fontSize=8.5, leading=10.5)
    h2 = styles["Heading3"].clone("notice-h", spaceBefore=6, spaceAfter=2)

    def p(text, style=body):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def facts(rows):
        table = Table([[p(k, small), p(v)] for k, v in rows], colWidths=[52 * mm, 128 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return table

    def grid(header, rows, widths):
        table = Table(
            [[p(h, small) for h in header]] + [[p(c, small) for c in row] for row in rows],
            colWidths=[w * mm for w in widths],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return table

    story = [
        Paragraph(escape(notice_title(notice)), styles["Heading1"]),
        p(
            _(
                "À l'attention de la Direction départementale de la protection des populations (DDPP). Information "
                "des autorités compétentes au titre de l'article 19 du règlement (CE) n° 178/2002 (et de l'article "
                "L. 201-7 du code rural et de la pêche maritime). Reprend les rubriques du formulaire de déclaration "
                "Cerfa n° 16243*01. Date de la notification : %(day)s."
            )
            % {"day": _dt(timezone.now())}
        ),
        Paragraph(escape(_("1. Exploitant qui notifie")), h2),
        facts(
            [
                (_("Raison sociale"), notice.operator_name),
                (_("Adresse"), notice.operator_address or _("(à compléter)")),
                (_("Activité"), _("Conserverie mobile solidaire : fabrication de conserves de fruits et légumes")),
                (_("Territoire"), f"{recall.territory.name} ({recall.territory.code})"),
            ]
        ),
        Paragraph(escape(_("2. Produit")), h2),
        facts(
            [
                (
                    _("Dénomination"),
                    _("%(name)s (recette version %(v)s)") % {"name": notice.product, "v": notice.recipe_version},
                ),
                (_("Marque"), notice.operator_name),
                (_("Nature"), notice.category),
                (_("Conditionnement"), "; ".join(notice.formats)),
                (_("Traitement thermique"), notice.treatment),
                (_("Conservation"), notice.storage),
            ]
        ),
        Paragraph(escape(_("3. Lots concernés")), h2),
        grid(
            [_("Lot"), _("Fabriqué le"), _("DDM (à consommer de préférence avant)"), _("Bocaux fabriqués")],
            [[lot.code, _d(lot.produced_on), _d(lot.best_before), lot.jars_made] for lot in notice.lots],
            [50, 35, 55, 40],
        ),
        p(
            _("Total fabriqué : %(made)s bocaux ; remis hors de la conserverie : %(out)s ; encore en stock : %(s)s.")
            % {"made": notice.jars_made, "out": notice.jars_out, "s": notice.jars_in_stock}
        ),
        Paragraph(escape(_("Traçabilité amont : ce qui est entré dans les lots")), h2),
        grid(
            [_("Lot"), _("Lot brut ou lot fournisseur"), _("Origine"), _("Produit"), _("Reçu le"), _("kg")],
            notice.upstream,
            [30, 30, 50, 30, 22, 18],
        )
        if notice.upstream
        else p(_("Aucune entrée enregistrée.")),
        Paragraph(escape(_("4. Danger et non-conformité")), h2),
        facts(
            [
                (_("Nature du danger"), recall.get_hazard_display()),
                (_("Description (constat, analyse)"), recall.reason),
                (_("Risque pour le consommateur"), notice.risk),
                (_("Décision"), recall.get_scope_display()),
                (_("Date de la décision"), _dt(recall.recalled_at)),
                (_("Décidé par"), f"{notice.decider} — {notice.decider_quality}"),
            ]
        ),
        Paragraph(escape(_("5. Distribution : quantités et lieux")), h2),
    ]
    if notice.outlets:
        story.append(
            grid(
                [_("Type"), _("Lieu ou destinataire"), _("Commune"), _("Date(s)"), _("Bocaux")],
                [
                    [
                        o.kind_label,
                        o.who if o.kind != Distribution.Kind.PARTICIPANT else f"{o.place} — {o.who}",
                        o.city,
                        o.dates,
                        o.jars,
                    ]
                    for o in notice.outlets
                ],
                [38, 62, 28, 34, 18],
            )
        )
        story.append(
            p(
                _(
                    "Remis du %(a)s au %(b)s : %(jars)s bocaux, dont %(h)s foyer(s) de participants. Aucune "
                    "distribution hors de France."
                )
                % {"a": _d(notice.first_out), "b": _d(notice.last_out), "jars": notice.jars_out, "h": notice.households}
            )
        )
    else:
        story.append(p(_("Aucun bocal n'est sorti de la conserverie : les lots sont retenus dans son stock.")))
    story += [
        Paragraph(escape(_("6. Mesures prises")), h2),
        *[p("• " + line) for line in notice.measures()],
        Paragraph(escape(_("7. Information des consommateurs")), h2),
        p(_("Ce qui est demandé aux consommateurs :") + " " + " ".join(CONSUMER_ADVICE)),
        p(_("Page publique du lot (QR code sur chaque bocal) : %(url)s") % {"url": notice.public_url}),
        Paragraph(escape(_("8. Personne à contacter")), h2),
        p(recall.contact or notice.decider),
        Spacer(1, 4 * mm),
        p(
            _(
                "Pièces jointes à prévoir : rapport d'analyse ou constat ; investigations en cours ou prévues (origine "
                "de la non-conformité, étendue) ; analyses en cours sur d'autres lots ; bons de livraison ou factures "
                "si la cause peut venir d'un fournisseur ; relevés HACCP des lots (registre) ; mesures prises dans "
                "l'atelier (actions correctives)."
            ),
            small,
        ),
    ]
    doc.build(story, canvasmaker=numbered_canvas(notice_title(notice)))
    return buffer.getvalue()


# --- The fields of a RappelConso declaration -----------------------------------------------------------------------


def rappelconso_fields(notice: RecallNotice) -> list[tuple[str, str]]:
    """The declaration's fields with the form's French names, in its order, each value ready to copy."""
    recall = notice.recall
    if notice.outlets and notice.first_out == notice.last_out:
        sold = _d(notice.first_out)
    elif notice.outlets:
        sold = _("du %(a)s au %(b)s") % {"a": _d(notice.first_out), "b": _d(notice.last_out)}
    else:
        sold = _("aucun bocal remis")
    zone = ", ".join(notice.cities) or recall.territory.name
    return [
        ("Nature juridique du rappel", "Volontaire (sans arrêté préfectoral)"),
        ("Catégorie de produit", "Alimentation"),
        ("Sous-catégorie de produit", "Fruits et légumes (conserves) — à choisir dans la liste du formulaire"),
        ("Nom de la marque du produit", notice.operator_name),
        ("Noms des modèles ou références", f"{notice.product} — " + "; ".join(notice.formats)),
        (
            "Identification des produits",
            "\n".join(
                f"Lot {lot.code} ; DDM {_d(lot.best_before)} ; fabriqué le {_d(lot.produced_on)}" for lot in notice.lots
            ),
        ),
        ("Conditionnements", "; ".join(notice.formats)),
        ("Date début/Fin de commercialisation", sold),
        ("Température de conservation", notice.storage or "Température ambiante"),
        ("Marque de salubrité", "Sans objet"),
        ("Zone géographique de vente", zone),
        ("Distributeurs", "; ".join(notice.distributors) or notice.operator_name),
        ("Motif du rappel", recall.public_text),
        ("Risques encourus par le consommateur", notice.risk),
        ("Préconisations sanitaires", notice.health_advice),
        ("Conduites à tenir par le consommateur", " ".join(CONSUMER_ADVICE)),
        ("Numéro de contact", recall.contact or notice.decider),
        ("Modalités de compensation", "Remboursement de la consigne du bocal"),
        ("Date de fin de la procédure de rappel", _d(notice.end_of_recall)),
        ("Informations complémentaires publiques", f"Page du lot : {notice.public_url}"),
    ]


def rappelconso_text(notice: RecallNotice) -> str:
    """One field per block, its name then its value: what a person copies into the form, field by field."""
    lines = [
        f"RappelConso — déclaration du rappel du lot {notice.recall.lot.code}",
        "À saisir sur https://pro.rappel.conso.gouv.fr (un champ par rubrique du formulaire).",
    ]
    if notice.recall.scope == RecallScope.WITHDRAWAL:
        lines.append(
            "Attention : ce rappel est un retrait simple (aucun bocal chez des consommateurs) ; un retrait sans "
            "rappel ne se déclare pas sur RappelConso."
        )
    lines.append("")
    for name, value in rappelconso_fields(notice):
        lines += [f"{name} :", value, ""]
    return "\n".join(lines)


def rappelconso_json(notice: RecallNotice) -> str:
    return json.dumps(dict(rappelconso_fields(notice)), ensure_ascii=False, indent=2)
