"""The repository: `GitRepo` (every git command that reads, started through
`kvmstatus.shared.gitrunner`) and where repositories come from (local clones, bundles, URLs
cloned blobless into the cache)."""
