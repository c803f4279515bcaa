"""The regulations register's use cases (法令・規程台帳): rules and their versions
(register), which own rules must follow which national ones and what lags behind
(dependencies), the shipped starter set of national entries (starter). The order of
versions and what is in force or lagging are pure functions (versions)."""
