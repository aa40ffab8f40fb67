package sim

import (
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// runWindow is the length of one streaming run: a run counts the events that
// arrived in one window, aligned to UTC.
// NOTE: Adobe's monitoring docs describe streaming runs as time windows
// without giving their length, so one hour is the simulator's choice.
const runWindow = time.Hour

// maxRunErrors caps the distinct errors one run lists.
const maxRunErrors = 10

// runTotals collects the records of one flow in one window.
type runTotals struct {
	flowID      string
	start       time.Time
	last        time.Time
	input       int
	failed      int
	inputBytes  int
	outputBytes int
	errors      []runError
}

type runError struct {
	code    string
	message string
	count   int
}

// listRuns builds the runs of the sandbox's flows from the events the inlet
// accepted: inputRecordCount counts them, failedRecordCount those that fail
// the mapping, with their errors in statusSummary.errors. Posts the inlet
// rejected never reach a run. Filter with property=flowId==X.
func (p *Platform) listRuns(c *call) {
	p.mu.Lock()
	var order []*runTotals
	byKey := map[string]*runTotals{}
	for _, rec := range p.state.events {
		if rec.sandbox != c.sandbox.name || !rec.Accepted() {
			continue
		}
		start := rec.ReceivedAt.UTC().Truncate(runWindow)
		key := rec.FlowID + "/" + strconv.FormatInt(start.UnixMilli(), 10)
		run := byKey[key]
		if run == nil {
			run = &runTotals{flowID: rec.FlowID, start: start}
			byKey[key] = run
			order = append(order, run)
		}
		run.add(rec)
	}

	items := make([]flowItem, 0, len(order))
	for _, run := range order {
		item := p.runJSON(c, run)
		items = append(items, flowItem{
			body: item,
			fields: map[string][]string{
				"id":        {item["id"].(string)},
				"flowId":    {run.flowID},
				"createdAt": {strconv.FormatInt(millis(run.start), 10)},
				"updatedAt": {strconv.FormatInt(millis(run.last), 10)},
			},
			name:    run.flowID,
			created: run.start,
			updated: run.last,
		})
	}
	p.mu.Unlock()

	p.listFlowItems(c, "/runs", items)
}

func (run *runTotals) add(rec eventRecord) {
	run.input++
	run.inputBytes += rec.bytes
	if rec.ReceivedAt.After(run.last) {
		run.last = rec.ReceivedAt
	}
	if len(rec.MappingErrors) == 0 {
		run.outputBytes += rec.bytes
		return
	}

	run.failed++
	for _, e := range rec.MappingErrors {
		i := slices.IndexFunc(run.errors, func(x runError) bool { return x.code == e.Code && x.message == e.Message })
		switch {
		case i >= 0:
			run.errors[i].count++
		case len(run.errors) < maxRunErrors:
			run.errors = append(run.errors, runError{code: e.Code, message: e.Message, count: 1})
		}
	}
}

// runJSON renders a run. p.mu is held.
// NOTE: where a real streaming run puts its window bounds is not documented, so
// the simulator writes them to extensions.windowStart and windowEnd.
func (p *Platform) runJSON(c *call, run *runTotals) map[string]any {
	end := run.start.Add(runWindow)
	id := uuid.NewSHA1(uuid.NameSpaceOID, []byte(run.flowID+"/"+run.start.Format(time.RFC3339))).String()

	spec := map[string]any{"id": streamingFlowSpecID, "version": "1.0"}
	clientID := c.clientID
	if f := c.sandbox.flows[run.flowID]; f != nil {
		spec = map[string]any{"id": f.specID, "version": f.specVersion}
		clientID = f.clientID
	}

	status := "success"
	switch {
	case run.failed == run.input:
		status = "failed"
	case run.failed > 0:
		status = "partialSuccess"
	}
	errors := make([]map[string]any, 0, len(run.errors))
	for _, e := range run.errors {
		errors = append(errors, map[string]any{"code": e.code, "message": e.message, "recordCount": e.count})
	}

	completed := millis(run.last)
	if !c.now.Before(end) {
		completed = millis(end)
	}

	out := p.auditFields(c.sandbox, id, run.start, run.last, clientID)
	out["flowId"] = run.flowID
	out["flowSpec"] = spec
	out["eTag"] = `"` + id[:8] + "-0000-0200-0000-" + strconv.FormatInt(millis(run.last), 16) + `"`
	out["metrics"] = map[string]any{
		"durationSummary": map[string]any{"startedAtUTC": millis(run.start), "completedAtUTC": completed},
		"sizeSummary":     map[string]any{"inputBytes": run.inputBytes, "outputBytes": run.outputBytes},
		"recordSummary": map[string]any{
			"inputRecordCount":   run.input,
			"createdRecordCount": run.input - run.failed,
			"outputRecordCount":  run.input - run.failed,
			"failedRecordCount":  run.failed,
		},
		"statusSummary": map[string]any{"status": status, "errors": errors},
	}
	out["extensions"] = map[string]any{"windowStart": millis(run.start), "windowEnd": millis(end)}
	return out
}
