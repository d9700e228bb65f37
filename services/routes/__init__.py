"""See the modules: stations, bookings, produce, jobs."""
