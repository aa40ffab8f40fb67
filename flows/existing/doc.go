// Package existing finds the Customer.io setups already present in a sandbox
// and works on them: it lists their dataflows with the webhook URL, reports
// whether data arrives, enables, disables and deletes them, and remembers the
// last setup the wizard created.
//
// A setup is a Customer.io streaming dataflow together with its source
// connection, its target connection and the dataset the target connection
// writes to. Delete removes the dataflow and its two connections and never
// touches the dataset or its schema, so ingested data stays.
package existing
