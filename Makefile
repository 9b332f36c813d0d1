# The README's two commands:
#   make        install what is missing, build in release mode, run the example corpus into Output/
#   make test   install what is missing (plus test tools), run the whole test suite
.PHONY: all setup build example test

all: example

setup:
	@.ci/install-deps

build: setup
	swift build -c release --product micse-cluster

example: build
	.build/release/micse-cluster Examples/tweets.csv --plot Output/example.png --csv Output/example.csv --html Output/example.html

test:
	@.ci/install-deps --test
	swift build --build-tests
	swift test --skip-build
