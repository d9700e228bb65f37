"""The station in the admin: looked up and corrected here; bookings, stock and referrals change
only through the staff pages' actions (slot counts, stock and statuses stay consistent)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from governance_portal.admin_scoping import ReadOnlyScopedAdmin, ScopedInline
from governance_portal.masking import mask_phone
from services.models import (
    Booking,
    JobPosting,
    JobSeeker,
    Product,
    Referral,
    Reservation,
    ServiceItem,
    ServiceProvider,
    ServiceStation,
    TimeSlot,
    WorkingHours,
)


class HoursInline(ScopedInline):
    model = WorkingHours
    fields = ["weekday", "opens", "closes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceStation)
class ServiceStationAdmin(ReadOnlyScopedAdmin):
    scope_path = "community"
    list_display = ["name", "community", "opening_hours", "contact_phone", "archived"]
    list_filter = ["archived", "community"]
    list_select_related = ["community"]
    search_fields = ["name", "address"]


@admin.register(ServiceProvider)
class ServiceProviderAdmin(ReadOnlyScopedAdmin):
    scope_path = "station__community"
    list_display = ["name", "category", "station", "archived"]
    list_filter = ["category", "archived"]
    list_select_related = ["station"]
    search_fields = ["name", "description"]
    exclude = ["contact_phone"]
    inlines = [HoursInline]


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyScopedAdmin):
    scope_path = "provider__station__community"
    list_display = ["name", "provider", "price", "special_price", "duration_minutes", "home_visit"]
    list_filter = ["home_visit", "archived"]
    list_select_related = ["provider"]
    search_fields = ["name", "provider__name"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(ReadOnlyScopedAdmin):
    scope_path = "provider__station__community"
    list_display = ["provider", "weekday", "opens", "closes"]
    list_select_related = ["provider"]


@admin.register(TimeSlot)
class TimeSlotAdmin(ReadOnlyScopedAdmin):
    scope_path = "item__provider__station__community"
    list_display = ["item", "starts_at", "taken", "capacity"]
    list_select_related = ["item"]
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(ReadOnlyScopedAdmin):
    scope_path = "item__provider__station__community"
    list_display = ["item", "slot", "resident_name", "status", "home_visit", "price", "rating"]
    list_filter = ["status", "home_visit"]
    list_select_related = ["item", "slot__item", "resident"]
    search_fields = ["item__name", "resident__name"]
    exclude = ["address"]

    @admin.display(description=_("resident"), ordering="resident__name")
    def resident_name(self, obj):
        return obj.resident.display_name


@admin.register(Product)
class ProductAdmin(ReadOnlyScopedAdmin):
    scope_path = "provider__station__community"
    list_display = ["name", "origin_village", "price", "unit", "stock", "archived"]
    list_filter = ["archived"]
    search_fields = ["name", "origin_village"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyScopedAdmin):
    scope_path = "product__provider__station__community"
    list_display = ["product", "quantity", "status", "created_at", "picked_up_at"]
    list_filter = ["status"]
    list_select_related = ["product"]


@admin.register(JobPosting)
class JobPostingAdmin(ReadOnlyScopedAdmin):
    scope_path = "station__community"
    list_display = ["title", "employer", "station", "expires_on", "withdrawn"]
    list_filter = ["withdrawn"]
    list_select_related = ["station"]
    search_fields = ["title", "employer", "place"]


@admin.register(JobSeeker)
class JobSeekerAdmin(ReadOnlyScopedAdmin):
    scope_path = "station__community"
    list_display = ["name", "masked_phone", "age_band", "status", "share_consent", "registered_at"]
    list_filter = ["status", "age_band", "share_consent"]
    list_select_related = ["station"]
    search_fields = ["name", "skills", "wished_work"]
    exclude = ["phone"]

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(Referral)
class ReferralAdmin(ReadOnlyScopedAdmin):
    scope_path = "seeker__station__community"
    list_display = ["seeker", "posting", "referred_at", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["seeker", "posting"]
