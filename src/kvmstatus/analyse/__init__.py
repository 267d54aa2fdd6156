"""records -> tables: pure functions from a window's commit records to its tables (metrics,
architectures, companies, topics, merges, fixes, newcomers) and the window's row. Nothing
here runs git or touches the data directory."""
