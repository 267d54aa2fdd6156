"""The report's story: sentences made from the documents' numbers, the way LWN writes its
development-statistics articles, for the site (summaries at the top of pages) and the deck
(speaker notes, slide titles). Pure and deterministic: documents in, plain text out; every
number in a sentence is written exactly as the tables write it (`shared.formats`), and a
sentence whose number is missing is left out, never filled with "0" or a dash.
"""
