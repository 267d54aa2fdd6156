"""Small helpers every stage may import: numbers (ranking, percentiles, trend, shares), the
data's special labels, and where kvmstatus keeps its caches. Nothing here runs git or
reads the data directory."""
