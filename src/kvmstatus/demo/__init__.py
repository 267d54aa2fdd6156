"""The synthetic kernel-like history for the offline demo and the benchmarks."""
