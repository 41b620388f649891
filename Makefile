# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: demo demo-cluster test build lint bench fuzz

build:
	./scripts/setup
	swift build

demo: build
	./scripts/demo

# Two instances on one PostgreSQL database (provisioned as for the tests).
demo-cluster:
	./scripts/setup --postgres
	swift build
	./scripts/demo-cluster

# FILTER=Name runs only the matching tests.
test:
	./scripts/setup --postgres
	swift build --build-tests
	swift test $(if $(FILTER),--filter $(FILTER))

lint:
	swift format lint --strict -r Shared Client Server Extract Sources Tests Fuzz Package.swift

bench:
	./scripts/setup --postgres
	swift build -c release
	.build/release/margin-bench decode
	.build/release/margin-bench store
	.build/release/margin-bench sync --backends sqlite,postgres
	.build/release/margin-bench extract
	.build/release/margin-bench import

# FUZZ_SECONDS per target (60), FUZZ_TARGETS (decoder merge importer library), FUZZ_JOBS (1).
fuzz:
	./scripts/fuzz
