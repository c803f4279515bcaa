"""The tasks area's use cases: business days, the dates recurring rules give, the rules
themselves (create, edit, generate a 年度's occurrences), completing a task, and the
starter set of a municipal IT desk's yearly work."""
