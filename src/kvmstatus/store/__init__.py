"""The data directory, the contract between computing and the site: the documents' schema,
atomic JSON files, the verified window cache and the run lock."""
