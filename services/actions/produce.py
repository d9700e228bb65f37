"""Writes for farm produce: products, stock and residents' reservations.

Stock is only ever changed by one conditional ``UPDATE … SET stock = stock ± q WHERE stock >= q``,
so two residents reserving the last units at the same moment can never take more than there is;
the ``services_product_stock_not_negative`` check constraint backs it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import ResidentProfile
from governance_portal import audit
from governance_portal.models import AuditEvent
from services.models import Product, Reservation, ServiceProvider

PRODUCT_FIELDS = ("name", "origin_village", "unit", "price", "stock", "pickup_time")
PRODUCT_UPDATE_FIELDS = (
    "provider",
    "name",
    "origin_village",
    "unit",
    "price",
    "pickup_time",
    "archived",
)


def _apply(product: Product, changes: dict, allowed) -> None:
    for name, value in changes.items():
        if name not in allowed:
            raise ValueError(f"{name} cannot be changed here")
        setattr(product, name, value)


def _check_provider(provider: ServiceProvider) -> None:
    if provider.category != ServiceProvider.Category.FARM_PRODUCE:
        raise ValidationError({"provider": _("Choose a farm produce provider.")})


@transaction.atomic
def product_create(*, provider: ServiceProvider, by, **fields) -> Product:
    _check_provider(provider)
    product = Product(provider=provider)
    _apply(product, fields, PRODUCT_FIELDS)
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def product_update(*, product: Product, by, changes: dict) -> Product:
    """Change a product's details. Stock is changed with ``product_restock`` (with a reason)."""
    _apply(product, changes, PRODUCT_UPDATE_FIELDS)
    _check_provider(product.provider)
    product.full_clean()
    # Only the changed fields: the stock on this (possibly stale) object must never be written
    # back over reservations made meanwhile.
    if changes:
        product.save(update_fields=list(changes))
    return product


@transaction.atomic
def product_restock(*, product: Product, by, change: int, reason: str) -> Product:
    """Add (or, negative, take away) stock, never below zero; the reason goes to the audit log."""
    if change == 0:
        raise ValidationError({"change": _("Enter how many units to add or take away.")})
    updated = (
        Product.objects.filter(pk=product.pk, stock__gte=max(0, -change))
        .filter(stock__lte=1_000_000 - max(0, change))
        .update(stock=F("stock") + change)
    )
    product.refresh_from_db(fields=["stock"])
    if not updated:
        raise ValidationError(
            {
                "change": _(
                    "The stock cannot go below zero or above 1,000,000. "
                    "There are %(stock)d in stock now."
                )
                % {"stock": product.stock}
            }
        )
    audit.record(
        action=AuditEvent.Action.UPDATE,
        instance=product,
        changes={"stock": [product.stock - change, product.stock]},
        note=reason,
        user=by,
    )
    return product


def _resident_community_id(resident) -> int | None:
    return (
        ResidentProfile.objects.filter(user=resident).values_list("community_id", flat=True).first()
    )


@transaction.atomic
def reservation_create(*, product: Product, resident, quantity: int) -> Reservation:
    """Reserve ``quantity`` units for a resident of the station's community, taking them from
    stock in one conditional update; refused (nothing changed) when there are not enough."""
    current = (
        Product.objects.on_offer().select_related("provider__station").filter(pk=product.pk).first()
    )
    if current is None:
        raise ValidationError(_("This product is no longer on offer."))
    station = current.provider.station
    if _resident_community_id(resident) != station.community_id:
        raise ValidationError(
            _("Only residents of %(community)s can reserve at this station.")
            % {"community": station.community.name}
        )
    if quantity < 1:
        raise ValidationError({"quantity": _("Reserve at least one.")})
    # The one write that takes stock: PostgreSQL re-checks ``stock >= quantity`` on the locked
    # row, so concurrent reservations queue here and the later ones find too little.
    taken = Product.objects.filter(pk=current.pk, archived=False, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    if not taken:
        left = Product.objects.filter(pk=current.pk).values_list("stock", flat=True).first() or 0
        if not left:
            raise ValidationError({"quantity": _("Sorry, this product is sold out.")})
        raise ValidationError(
            {
                "quantity": _("Only %(stock)d %(unit)s left: reserve %(stock)d or fewer.")
                % {"stock": left, "unit": current.unit}
            }
        )
    reservation = Reservation(
        product=current, resident=resident, quantity=quantity, price=current.price * quantity
    )
    reservation.full_clean()
    reservation.save()
    return reservation


def _lock(reservation: Reservation) -> Reservation:
    return Reservation.objects.select_for_update().get(pk=reservation.pk)


@transaction.atomic
def reservation_cancel(*, reservation: Reservation, by) -> Reservation:
    """Cancel a reservation not yet picked up; its units go back to stock."""
    locked = _lock(reservation)
    if locked.status != Reservation.Status.RESERVED:
        raise ValidationError(_("Only reservations not yet picked up can be cancelled."))
    locked.status = Reservation.Status.CANCELLED
    locked.handled_by = by if by != locked.resident else None
    locked.save(update_fields=["status", "handled_by"])
    Product.objects.filter(pk=locked.product_id).update(stock=F("stock") + locked.quantity)
    return locked


@transaction.atomic
def reservation_pickup(*, reservation: Reservation, by) -> Reservation:
    """The resident collected the produce (once)."""
    locked = _lock(reservation)
    if locked.status == Reservation.Status.PICKED_UP:
        raise ValidationError(_("This reservation was already picked up."))
    if locked.status != Reservation.Status.RESERVED:
        raise ValidationError(_("A cancelled reservation cannot be picked up."))
    locked.status = Reservation.Status.PICKED_UP
    locked.picked_up_at = timezone.now()
    locked.handled_by = by
    locked.save(update_fields=["status", "picked_up_at", "handled_by"])
    return locked
