"""The asset ledger (資産台帳): table model, filters, editor and the view that joins them."""
