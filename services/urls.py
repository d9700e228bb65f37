"""The service station's URLs (``services:``), one routes module per area."""

from services.routes import bookings, jobs, produce, stations

app_name = "services"

urlpatterns = stations.urlpatterns + bookings.urlpatterns + produce.urlpatterns + jobs.urlpatterns
