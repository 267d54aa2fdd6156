"""git -> records: release windows, the subsystem's paths (MAINTAINERS), commit records and
their trailers (one registry), Fixes: lines traced to the commits they name.

Importing this package loads nothing: `mine.records` and `mine.trailers` are pure and may be
imported by every later stage; the other modules run git through `kvmstatus.git`.
"""
