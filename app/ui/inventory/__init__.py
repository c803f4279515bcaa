"""The 資産台帳 area beyond assets: contracts, vendors, licences, systems, warnings."""
