"""Build the synthetic kernel-scale history: `python bench/synth.py OUT_DIR [options]`.

The generator lives in `kvmstatus.synth` (the offline demo uses it too); see its docstring.
"""

from kvmstatus.synth import main

if __name__ == "__main__":
    raise SystemExit(main())
