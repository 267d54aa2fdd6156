"""Values with a special meaning in the tables, shared by the analysis that writes them and
the site that shows them."""

UNKNOWN = "(Unknown)"
"""The company of an address no affiliation map places (gitdm's spelling)."""
STABLE_LISTS: tuple[str, ...] = ("stable@vger.kernel.org", "stable@kernel.org")
"""The kernel's stable list, and its address before vger hosted it (until 2011): the default
of a project's `stable_lists`."""
DEFAULT_ARCH_MAPPING = "linux-kvm"
"""The shipped architecture mapping used when none is named (`data/architectures.toml`)."""
COMMON = "common"
"""The architecture of paths no architecture claims."""
SEVERAL = "several"
"""The architecture of a merge that changed the paths of more than one architecture."""
GENERAL = "(general)"
"""The topic of a subject whose prefixes name only KVM and architectures."""
NO_PREFIX = "(none)"
"""The topic of a subject without any prefix."""
