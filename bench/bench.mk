# `make bench`: the benchmarks in bench/, inside a private keyring session,
# against registries they start on 127.0.0.1. Prints the table and writes
# bench/RESULTS.md. BENCH_ARGS passes options, e.g. BENCH_ARGS="--only P1,P7".

BENCH_ARGS ?=

bench: deps
	env -u DTR_DESKTOP_DATA_DIR -u DTR_DESKTOP_POLICY -u REGISTRY_AUTH_FILE \
		-u DOCKER_CONFIG scripts/with-keyring $(BIN)/python -m bench $(BENCH_ARGS)
