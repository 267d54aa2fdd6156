"""Prefect flows of kvmstatus: thin wrappers that run `kvmstatus.runner`'s steps as tasks."""
