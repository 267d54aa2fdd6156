"""documents -> site: periods, Markdown and its escaping, pages, Altair charts, the MkDocs
build, the swap of a built site into place and publishing to a git branch. Never runs git
on a project's history: everything comes from the data directory."""
