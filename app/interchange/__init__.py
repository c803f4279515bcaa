"""Files in and out: CSV/XLSX ledgers, feeds, calendars, template packs."""
