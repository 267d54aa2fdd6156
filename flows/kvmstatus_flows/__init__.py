"""Prefect flows of kvmstatus: thin wrappers that run `kvmstatus.jobs.steps`'s steps as tasks."""
