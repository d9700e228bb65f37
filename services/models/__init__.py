"""The convenience service station (便民服务站): stations, providers, priced items, bookings in
time slots, farm produce with stock, and the job board with job seekers (re-exported here)."""

from services.models.bookings import Booking, TimeSlot
from services.models.jobs import JobPosting, JobSeeker, Referral
from services.models.produce import Product, Reservation
from services.models.stations import (
    ServiceItem,
    ServiceProvider,
    ServiceStation,
    WorkingHours,
)

__all__ = [
    "Booking",
    "JobPosting",
    "JobSeeker",
    "Product",
    "Referral",
    "Reservation",
    "ServiceItem",
    "ServiceProvider",
    "ServiceStation",
    "TimeSlot",
    "WorkingHours",
]
