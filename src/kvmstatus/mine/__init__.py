"""git -> records: release windows, the subsystem's paths (MAINTAINERS), commit records and
their trailers, Fixes: lines traced to the commits they name; raw list messages into records.

Importing this package loads nothing. The records it makes and the trailer registry it reads
are `kvmstatus.model`'s; the modules here run git through `kvmstatus.git`.
"""
