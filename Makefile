# The targets a newcomer needs.
.PHONY: run test bench lint

run:            ## mediaup on the built-in sandbox
	go run . --sandbox

test:           ## every test, with -race
	./scripts/test

bench:          ## speed and memory benchmarks
	go test -run '^$$' -bench . -benchmem ./...

lint:           ## gofmt, vet, staticcheck
	gofmt -l .
	go vet ./...
	go tool staticcheck ./...
