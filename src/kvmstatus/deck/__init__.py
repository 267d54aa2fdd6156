"""The status-report deck: a plain description of the slides (`model`), and the two media it
is written to, a PPTX file (`pptx_file.write_pptx`) and one self-contained HTML file
(`html_file.write_html`).

What the slides say (which numbers, which sentences) is decided by whoever builds the `Deck`;
this package only lays it out (`layout`: one plan both formats follow, so they have the same
slides), draws the charts for a projector (`charts`), and writes the files. Text is untrusted
(names from git) and is cleaned (`text`) and escaped by each writer. Modules:

- `model`: `Deck` and the slide kinds (frozen dataclasses);
- `theme`: the colours, fonts, sizes and the slide grid both formats use;
- `text`: untrusted text made printable, text widths, line wrapping, number formats;
- `layout`: font sizes, boxes and the split of long tables and lists over several slides;
- `charts`: Vega-Lite specs restyled for a projector and rendered to PNG (vl-convert);
- `pptx_file`: the PPTX writer (python-pptx), with its theme built in code;
- `html_file`: the HTML writer, with `assets/deck.css` and `assets/deck.js` inlined (a
  finished file is put in place atomically: `shared.files`).
"""
