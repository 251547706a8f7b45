"""What a farm receives, for the coordination: purchases and purchase notes, jars processed for it, its identity
as a donor, its declared cost prices and its donation receipts (docs/economics-en.md); the territory's legal
entity and the register of receipts."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conserverie.core.exports import XLSX, attachment, csv_response, xlsx_bytes
from conserverie.core.pages import add_service_errors, form_status
from conserverie.producers.models import CostPrice, Producer
from conserverie.producers.services import cost_price_declare, producer_legal_identity_set
from conserverie.sourcing.forms import (
    CostPriceForm,
    DonorForm,
    LegalEntityForm,
    ReceiptCorrectForm,
    ReceiptIssueForm,
)
from conserverie.sourcing.models import DonationReceipt
from conserverie.sourcing.purchases import (
    farm_jar_returns,
    farm_money,
    farm_purchases,
    purchase_note_number,
    purchase_note_pdf,
)
from conserverie.sourcing.receipts import (
    REGISTER_HEADER,
    legal_entity_set,
    receipt_correct,
    receipt_issue,
    receipt_pdf,
    receipt_register,
    receipt_years,
    register_rows,
)
from conserverie.territories.models import LegalEntity, Role
from conserverie.territories.permissions import may, require
from conserverie.territories.staff import territory_view

PDF = "application/pdf"
COORDINATION = (Role.COORDINATOR,)  # receipts are the legal entity's acts: PERMISSIONS["receipt.issue"]


def _year(request) -> int:
    today = timezone.localdate()
    value = request.GET.get("annee", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= today.year else today.year


def _forms(producer, today, data=None, action=""):
    """The page's forms; the one named by `action` is bound to `data`."""

    def bound(name):
        return data if action == name else None

    return {
        "donor_form": DonorForm(
            bound("donor"),
            initial={
                "legal_name": producer.legal_name,
                "legal_form": producer.legal_form,
                "siren": producer.siren,
                "address": producer.address,
            },
        ),
        "cost_form": CostPriceForm(bound("cost")),
        "issue_form": ReceiptIssueForm(bound("issue"), years=receipt_years(producer, today)),
    }


@territory_view()
def farm_received(request, territory, pk):
    """/t/<slug>/collectes/fermes/<pk>/: what the farm received in a year, and its receipts (coordination acts)."""
    producer = get_object_or_404(Producer, pk=pk, territory=territory)
    today, year = timezone.localdate(), _year(request)
    may_act = may(request.user, territory, "receipt.issue")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _forms(producer, today, request.POST, action)
    if action:
        require(request.user, territory, "receipt.issue")
        form = forms.get(f"{action}_form")
        if form is not None and form.is_valid():
            try:
                done = _act(request, producer, action, form.cleaned_data, today)
            except ValidationError as exc:
                for _field, message in add_service_errors(form, exc):
                    form.add_error(None, message)
            else:
                messages.success(request, done)
                return redirect("sourcing:farm_received", territory.slug, producer.pk)
    start, end = date(year, 1, 1), date(year, 12, 31)
    return render(
        request,
        "sourcing/farm_received.html",
        {
            "territory": territory,
            "producer": producer,
            "year": year,
            "years": list(range(today.year, today.year - 4, -1)),
            "money": farm_money(territory, start, end, producer),
            "purchases": farm_purchases(territory, start, end, producer),
            "returns": farm_jar_returns(territory, start, end, producer),
            "cost_prices": CostPrice.objects.filter(producer=producer)
            .select_related("product")
            .order_by("product__name"),
            "receipts": DonationReceipt.objects.filter(producer=producer)
            .select_related("replaced_by")
            .order_by("-year", "-sequence"),
            "has_entity": LegalEntity.objects.filter(territory=territory).exists(),
            "may_act": may_act,
            "correct_form": ReceiptCorrectForm(),
            **forms,
        },
        status=form_status(request),
    )


def _act(request, producer, action, data, today) -> str:
    actor = request.user
    if action == "donor":
        producer_legal_identity_set(actor=actor, producer=producer, **data)
        return _("Identité du donateur enregistrée.")
    if action == "cost":
        cost_price_declare(actor=actor, producer=producer, declared_on=today, **data)
        return _("Coût de revient enregistré pour %(product)s.") % {"product": data["product"].name}
    receipt = receipt_issue(actor=actor, producer=producer, year=data["year"], today=today)
    return _("Reçu %(number)s émis.") % {"number": receipt.number}


@require_POST
@territory_view(roles=COORDINATION)
def receipt_correct_view(request, territory, number):
    receipt = get_object_or_404(DonationReceipt, territory=territory, number=number)
    form = ReceiptCorrectForm(request.POST)
    if form.is_valid():
        try:
            new = receipt_correct(actor=request.user, receipt=receipt, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Reçu %(old)s annulé ; reçu %(new)s émis à sa place.") % {"old": receipt.number, "new": new.number},
            )
    else:
        messages.error(request, _("Indiquez le motif de la correction."))
    return redirect("sourcing:farm_received", territory.slug, receipt.producer_id)


@territory_view(roles=COORDINATION)
def receipt_download(request, territory, number):
    receipt = get_object_or_404(DonationReceipt.objects.select_related("territory"), territory=territory, number=number)
    return attachment(receipt_pdf(receipt), PDF, f"recu-don-{receipt.number}.pdf")


@territory_view(roles=COORDINATION)
def receipt_register_view(request, territory, ext):
    """The register of issued receipts (cancelled ones included), CSV or XLSX."""
    if ext not in ("csv", "xlsx"):
        raise Http404
    receipts = receipt_register(territory)
    name = f"registre-recus-{territory.slug}"
    if ext == "csv":
        # Streamed, the receipts read 500 at a time while the file is sent (issue 20).
        return csv_response(name, REGISTER_HEADER, register_rows(receipts.iterator(chunk_size=500)))
    return attachment(xlsx_bytes("Reçus", REGISTER_HEADER, register_rows(receipts)), XLSX, f"{name}.xlsx")


@territory_view()
def purchase_note(request, territory, pk):
    """The farm's purchase note for a year (?annee=) or a month (?annee=&mois=)."""
    producer = get_object_or_404(Producer, pk=pk, territory=territory)
    start, end = note_period(request)
    pdf = purchase_note_pdf(producer, start, end, _organisation(territory))
    return attachment(pdf, PDF, f"bon-achat-{purchase_note_number(producer, start, end)}.pdf")


def note_period(request) -> tuple[date, date]:
    year = _year(request)
    month = request.GET.get("mois", "")
    if month.isdigit() and 1 <= int(month) <= 12:
        start = date(year, int(month), 1)
        end = date(year + (start.month == 12), start.month % 12 + 1, 1).toordinal() - 1
        return start, date.fromordinal(end)
    return date(year, 1, 1), date(year, 12, 31)


def _organisation(territory) -> str:
    entity = LegalEntity.objects.filter(territory=territory).first()
    return entity.name if entity else (territory.organisation or territory.name)


@territory_view(roles=COORDINATION)
def legal_entity_edit(request, territory):
    """/t/<slug>/collectes/entite-juridique/: the legal person that signs the receipts (coordination)."""
    require(request.user, territory, "receipt.issue")
    entity = LegalEntity.objects.filter(territory=territory).first()
    form = LegalEntityForm(request.POST or None, request.FILES or None, instance=entity)
    if request.method == "POST" and form.is_valid():
        try:
            legal_entity_set(actor=request.user, territory=territory, entity=form.save(commit=False))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Entité juridique enregistrée."))
            return redirect("sourcing:legal_entity", territory.slug)
    return render(
        request,
        "sourcing/legal_entity.html",
        {"territory": territory, "form": form, "receipts": receipt_register(territory).count()},
        status=form_status(request),
    )
