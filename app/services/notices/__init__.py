"""The notices area's use cases (通知・法令): notices taken from ministries' RSS/RDF/Atom
feeds, read from a file or fetched from a URL the user gives (feed_source, feeds,
feed_import)."""
