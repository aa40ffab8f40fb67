// Package setup connects Customer.io reporting webhooks to an Adobe Experience
// Platform streaming dataflow.
//
// A setup starts as an [Input] (sandbox, ready-made or existing dataset,
// mappings), becomes a [Plan] that names every resource it will create, and is
// carried out by a [Runner]. The runner creates the resources in dependency
// order, running independent steps concurrently, and writes a journal after
// every step so a failed, cancelled or crashed run can be resumed or rolled
// back from the journal file alone.
package setup
