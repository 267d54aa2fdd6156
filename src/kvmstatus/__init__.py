"""kvmstatus: the KVM status report, mined from git and published as a website.

Data flows one way: git -> records -> tables -> charts/pages -> site.
"""

__version__ = "0.1.0"
