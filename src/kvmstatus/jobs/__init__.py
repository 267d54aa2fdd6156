"""The steps of a run as plain functions: configuration, updating repositories, planning
windows, computing and storing each one, aggregating, publishing. The CLI and the Prefect
flow both call these; nothing here knows about Prefect."""
