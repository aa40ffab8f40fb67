// Package benchmarks measures how soon the wizard hands a marketer a working
// webhook URL and how it copes with big organizations. It contains only this
// comment and _test.go files, which run against the simulated platform of
// flows/sim with injected latency.
//
// Every figure is a ratio of two times taken in the same run, so it holds on
// a slow or busy machine:
//
//   - BenchmarkSetupCriticalPath runs a ready-made setup with 100 ms per call
//     and divides its wall time by the round trips on the critical path of the
//     setup's step graph (wall/critical), and by all calls made one after
//     another (wall/sequential).
//   - BenchmarkBigOrgLists lists 10,000 datasets and 3,000 schemas with 50 ms
//     per call and divides the time a page-by-page client needs by the time
//     the client took (speedup). It also reports the most requests the
//     simulated gateway served at once (max-in-flight).
//
// scripts/bench.sh runs them with the UI benchmarks and the start-up script
// and compares each figure with its target. docs/BENCHMARKS.md records the
// method and the measured figures.
package benchmarks
