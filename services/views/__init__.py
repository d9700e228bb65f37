"""One module per area: stations, bookings, produce, jobs."""
