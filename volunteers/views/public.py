"""Public volunteer pages: the ranking (光荣榜) and certificate verification."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from communities.models import Community, Street
from governance_portal.masking import mask_name
from volunteers import queries
from volunteers.forms import CertificateLookupForm
from volunteers.models import Certificate


@method_decorator(login_not_required, name="dispatch")
class RankingView(TemplateView):
    """Volunteers by verified hours in one community or street; surnames only unless the
    volunteer chose to show their full name."""

    template_name = "volunteers/ranking.html"

    def get_context_data(self, **kwargs):
        streets = list(Street.objects.order_by("name"))
        communities = list(Community.objects.select_related("street").order_by("street", "name"))
        community = street = None
        unit = self.request.GET.get("unit", "")
        kind, _sep, raw_pk = unit.partition("-")
        # ASCII digits only: int() refuses "²" although it is a digit, and very long numbers.
        if raw_pk.isascii() and raw_pk.isdigit() and len(raw_pk) <= 18:
            if kind == "c":
                community = next((c for c in communities if c.pk == int(raw_pk)), None)
            elif kind == "s":
                street = next((s for s in streets if s.pk == int(raw_pk)), None)
        if community is None and street is None and streets:
            street = streets[0]
        rows = list(queries.ranking(community=community, street=street))
        for position, volunteer in enumerate(rows, start=1):
            volunteer.position = position
            name = volunteer.user.display_name
            volunteer.shown_name = name if volunteer.full_name_in_ranking else mask_name(name)
        chosen = f"c-{community.pk}" if community else (f"s-{street.pk}" if street else "")
        options = []
        for each in streets:
            options.append((f"s-{each.pk}", each.name, False))
            options.extend(
                (f"c-{c.pk}", c.name, True) for c in communities if c.street_id == each.pk
            )
        return super().get_context_data(
            options=options,
            unit=chosen,
            unit_name=community.name if community else (street.name if street else ""),
            rows=rows,
            **kwargs,
        )


@method_decorator(login_not_required, name="dispatch")
class CertificateVerifyView(TemplateView):
    """Whether a certificate code is genuine and what it certifies: the holder's surname, the
    hours, the issuer and dates. No more personal data than the certificate itself shows."""

    template_name = "volunteers/certificate_verify.html"

    def get(self, request, *args, **kwargs):
        code = kwargs.get("code")
        if code is None and "code" in request.GET:
            form = CertificateLookupForm(request.GET)
            if form.is_valid():
                return redirect(
                    "volunteers:certificate_verify_code", code=form.cleaned_data["code"]
                )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.pop("code", None)
        code = self.kwargs.get("code")
        form = CertificateLookupForm(self.request.GET if "code" in self.request.GET else None)
        certificate = None
        if code is not None:
            form = CertificateLookupForm(initial={"code": code})
            # A NUL (from the address) is never a code; PostgreSQL refuses it in a query.
            certificate = (
                Certificate.objects.select_related("community__street")
                .filter(code=code.upper())
                .first()
                if "\x00" not in code
                else None
            )
        return super().get_context_data(
            form=form,
            code=code,
            certificate=certificate,
            holder=mask_name(certificate.holder_name) if certificate else "",
            **kwargs,
        )
