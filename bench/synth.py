"""Build the synthetic kernel-scale history: `python bench/synth.py OUT_DIR [options]`.

The generator lives in `kvmstatus.demo.builder` (the offline demo uses it too); see its docstring.
"""

from kvmstatus.demo.builder import main

if __name__ == "__main__":
    raise SystemExit(main())
