"""Small programs the benchmarks run as whole processes."""
