"""The shapes that flow between the stages, at the bottom of the layout: every stage may import
them, and they import nothing of the project's but `shared`.

`records` (commits, trailers, Fixes: findings, list messages, as mining makes them),
`releases` (release tags and their windows), `trailers` (the trailer registry, which also
names the tags a list review gives) and `documents` (the typed JSON documents the store keeps
and the site renders).
"""
