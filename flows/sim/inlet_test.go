package sim_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/sim"
)

func TestInletAccepts(t *testing.T) {
	clock := newFakeClock()
	p := startPlatform(t, sim.Options{Now: clock.Now})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Inlet")

	res := postEvent(t, df, customerioEvent("01JP2AXG9RWYX8JJCX26AS19E3"))
	mustStatus(t, res, http.StatusOK)
	var body struct {
		InletID        string `json:"inletId"`
		XactionID      string `json:"xactionId"`
		ReceivedTimeMs int64  `json:"receivedTimeMs"`
	}
	res.decode(t, &body)
	if !strings.HasSuffix(df.inletURL, "/"+body.InletID) {
		t.Errorf("inletId = %q, want the last segment of %s", body.InletID, df.inletURL)
	}
	if body.ReceivedTimeMs != clock.Now().UnixMilli() {
		t.Errorf("receivedTimeMs = %d, want %d", body.ReceivedTimeMs, clock.Now().UnixMilli())
	}
	if !strings.HasPrefix(body.XactionID, url.PathEscape(itoa(int(body.ReceivedTimeMs)))+":") {
		t.Errorf("xactionId = %q, want it to start with receivedTimeMs", body.XactionID)
	}

	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("x-adobe-flow-id", df.flowID)
	res = do(t, http.MethodPost, df.inletURL, strings.NewReader(toJSON(customerioEvent("01JP2AXG9RWYX8JJCX26AS19E4"))), h)
	mustStatus(t, res, http.StatusOK)

	events := p.InletEvents(df.flowID)
	if len(events) != 2 {
		t.Fatalf("recorded %d events, want 2", len(events))
	}
	for i, e := range events {
		if !e.Accepted() || e.Status != http.StatusOK || len(e.MappingErrors) != 0 {
			t.Errorf("event %d: accepted %v, status %d, mapping errors %+v", i, e.Accepted(), e.Status, e.MappingErrors)
		}
	}
	if !bytes.Contains(events[0].Body, []byte("01JP2AXG9RWYX8JJCX26AS19E3")) {
		t.Errorf("recorded body %s is not the posted event", events[0].Body)
	}
}

func TestInletRejects(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Rejects")
	event := toJSON(customerioEvent("01JP2AXG9RWYX8JJCX26AS19E3"))
	inletBase := df.inletURL[:strings.LastIndex(df.inletURL, "/")+1]

	tests := []struct {
		name        string
		url         string
		contentType string
		body        string
		wantStatus  int
		wantReason  sim.RejectReason
	}{
		{"unknown inlet", inletBase + strings.Repeat("0", 64) + "?x-adobe-flow-id=" + df.flowID, "application/json", event, 400, sim.RejectUnknownInlet},
		{"no flow id", df.inletURL, "application/json", event, 400, sim.RejectMissingFlowID},
		{"unknown flow", df.inletURL + "?x-adobe-flow-id=00000000-0000-4000-8000-000000000000", "application/json", event, 400, sim.RejectUnknownFlow},
		{"form content type", df.inletURL + "?x-adobe-flow-id=" + df.flowID, "application/x-www-form-urlencoded", event, 400, sim.RejectContentType},
		{"invalid json", df.inletURL + "?x-adobe-flow-id=" + df.flowID, "application/json", `{"event_id": `, 400, sim.RejectInvalidJSON},
		{"over one megabyte", df.inletURL + "?x-adobe-flow-id=" + df.flowID, "application/json",
			`{"padding":"` + strings.Repeat("x", 1<<20) + `"}`, 413, sim.RejectTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			h.Set("Content-Type", tt.contentType)
			res := do(t, http.MethodPost, tt.url, strings.NewReader(tt.body), h)
			mustStatus(t, res, tt.wantStatus)

			body := res.object(t)
			if typ, _ := body["type"].(string); !strings.HasSuffix(typ, string(tt.wantReason)) {
				t.Errorf("type = %q, want it to end in %s", typ, tt.wantReason)
			}
			if res.header.Get("x-request-id") == "" {
				t.Error("response has no x-request-id header")
			}
		})
	}

	events := p.InletEvents(df.flowID)
	var reasons []sim.RejectReason
	for _, e := range events {
		reasons = append(reasons, e.Reason)
	}
	want := []sim.RejectReason{sim.RejectUnknownInlet, sim.RejectContentType, sim.RejectInvalidJSON, sim.RejectTooLarge}
	if len(reasons) != len(want) {
		t.Fatalf("recorded reasons %v, want %v", reasons, want)
	}
	for i := range want {
		if reasons[i] != want[i] {
			t.Errorf("event %d reason = %s, want %s", i, reasons[i], want[i])
		}
	}
	if events[3].Body != nil {
		t.Error("the body over the limit was stored")
	}
	if n := len(p.InletEvents("00000000-0000-4000-8000-000000000000")); n != 1 {
		t.Errorf("recorded %d posts for the unknown flow, want 1", n)
	}
}

func TestInletDisabledFlow(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Disabled")

	mustStatus(t, s.call(http.MethodPost, "/data/foundation/flowservice/flows/"+df.flowID+"/action?op=disable", nil, nil), http.StatusOK)
	res := postEvent(t, df, customerioEvent("01JP2AXG9RWYX8JJCX26AS19E3"))
	mustStatus(t, res, http.StatusBadRequest)
	if typ, _ := res.object(t)["type"].(string); !strings.HasSuffix(typ, string(sim.RejectFlowDisabled)) {
		t.Errorf("type = %q", typ)
	}

	mustStatus(t, s.call(http.MethodPost, "/data/foundation/flowservice/flows/"+df.flowID+"/action?op=enable", nil, nil), http.StatusOK)
	mustStatus(t, postEvent(t, df, customerioEvent("01JP2AXG9RWYX8JJCX26AS19E3")), http.StatusOK)
}

type runList struct {
	Items []struct {
		ID      string `json:"id"`
		FlowID  string `json:"flowId"`
		Metrics struct {
			RecordSummary struct {
				Input  int `json:"inputRecordCount"`
				Output int `json:"outputRecordCount"`
				Failed int `json:"failedRecordCount"`
			} `json:"recordSummary"`
			StatusSummary struct {
				Status string `json:"status"`
				Errors []struct {
					Code        string `json:"code"`
					Message     string `json:"message"`
					RecordCount int    `json:"recordCount"`
				} `json:"errors"`
			} `json:"statusSummary"`
		} `json:"metrics"`
		Extensions struct {
			WindowStart int64 `json:"windowStart"`
			WindowEnd   int64 `json:"windowEnd"`
		} `json:"extensions"`
	} `json:"items"`
}

func TestRunsCountRecords(t *testing.T) {
	clock := newFakeClock()
	p := startPlatform(t, sim.Options{Now: clock.Now})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Runs")
	other := buildDataflow(t, s, "Other runs")

	for _, id := range []string{"01JP2AXG9RWYX8JJCX26AS19E1", "01JP2AXG9RWYX8JJCX26AS19E2", "01JP2AXG9RWYX8JJCX26AS19E3"} {
		mustStatus(t, postEvent(t, df, customerioEvent(id)), http.StatusOK)
	}
	for range 2 {
		mustStatus(t, postEvent(t, df, customerioEvent("")), http.StatusOK) // no event_id for _id
	}
	mustStatus(t, postEvent(t, df, []byte(`{"broken": `)), http.StatusBadRequest) // rejected posts never reach a run
	mustStatus(t, postEvent(t, other, customerioEvent("01JP2AXG9RWYX8JJCX26AS19E9")), http.StatusOK)

	clock.Add(time.Hour)
	mustStatus(t, postEvent(t, df, customerioEvent("01JP2AXG9RWYX8JJCX26AS19E4")), http.StatusOK)

	failed := p.InletEvents(df.flowID)[3]
	if len(failed.MappingErrors) != 1 || failed.MappingErrors[0].Destination != "_id" || failed.MappingErrors[0].Code != "MAPPER-3700-400" {
		t.Errorf("mapping errors of an event without event_id = %+v", failed.MappingErrors)
	}

	query := url.Values{"property": {"flowId==" + df.flowID}}
	res := s.get("/data/foundation/flowservice/runs?" + query.Encode())
	mustStatus(t, res, http.StatusOK)
	var runs runList
	res.decode(t, &runs)
	if len(runs.Items) != 2 {
		t.Fatalf("got %d runs, want 2 (one per hour window)", len(runs.Items))
	}

	first := runs.Items[0]
	if first.FlowID != df.flowID {
		t.Errorf("flowId = %q", first.FlowID)
	}
	rs := first.Metrics.RecordSummary
	if rs.Input != 5 || rs.Output != 3 || rs.Failed != 2 {
		t.Errorf("first run records: input %d, output %d, failed %d; want 5, 3, 2", rs.Input, rs.Output, rs.Failed)
	}
	if first.Metrics.StatusSummary.Status != "partialSuccess" {
		t.Errorf("first run status = %q, want partialSuccess", first.Metrics.StatusSummary.Status)
	}
	errs := first.Metrics.StatusSummary.Errors
	if len(errs) != 1 || errs[0].Code != "MAPPER-3700-400" || errs[0].RecordCount != 2 {
		t.Errorf("first run errors = %+v, want MAPPER-3700-400 for 2 records", errs)
	}
	if first.Extensions.WindowEnd-first.Extensions.WindowStart != time.Hour.Milliseconds() {
		t.Errorf("window = %d..%d, want one hour", first.Extensions.WindowStart, first.Extensions.WindowEnd)
	}

	second := runs.Items[1].Metrics
	if second.RecordSummary.Input != 1 || second.RecordSummary.Failed != 0 || second.StatusSummary.Status != "success" {
		t.Errorf("second run = %+v, want 1 record and success", second)
	}

	res = s.get("/data/foundation/flowservice/runs")
	res.decode(t, &runs)
	if len(runs.Items) != 3 {
		t.Errorf("all runs of the sandbox = %d, want 3", len(runs.Items))
	}
}
