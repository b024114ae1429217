"""jiuzhu case backend: cases, audit trail, staff, roster, check-ins and the outbox."""
