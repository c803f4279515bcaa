"""The inventory area's use cases: assets and their ledger import, business systems,
contracts, licences, vendors, custom fields, lifecycle warnings and stocktaking."""
