"""The repository: `GitRepo` (every git subprocess that reads) and where repositories come
from (local clones, bundles, URLs cloned blobless into the cache)."""
