package setup

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// RunStatus is the state of a whole run, as its journal records it.
type RunStatus string

// Run states.
const (
	// RunRunning is a run in progress, or one whose process ended before it
	// could record the outcome.
	RunRunning        RunStatus = "running"
	RunFailed         RunStatus = "failed"
	RunCanceled       RunStatus = "canceled"
	RunSucceeded      RunStatus = "succeeded"
	RunRolledBack     RunStatus = "rolled_back"
	RunRollbackFailed RunStatus = "rollback_failed"
)

// RunSummary describes one run from its journal.
type RunSummary struct {
	RunID     string
	Sandbox   string // technical name
	Data      DataChoice
	Status    RunStatus
	CreatedAt time.Time
	UpdatedAt time.Time

	// Steps holds the state of each step of the run.
	Steps map[StepID]StepState

	// Resources lists what the run created, in creation order, deleted
	// ones included.
	Resources []Resource

	// Result is set once the run succeeded.
	Result *Result

	// LastError is the cause of the last failure, if any, and
	// LastAdobeError the cause of the Adobe error behind it.
	LastError      Cause
	LastAdobeError aep.Cause
}

// Resumable reports whether Resume can continue the run.
func (s RunSummary) Resumable() bool {
	return s.Status == RunRunning || s.Status == RunFailed || s.Status == RunCanceled
}

// appID is the application ID, which names the configuration folder.
const appID = "io.github.cioaep.setup"

// DefaultJournalDir returns <user config dir>/io.github.cioaep.setup/runs.
func DefaultJournalDir() (string, error) {
	config, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(config, appID, "runs"), nil
}

// ListRuns returns the runs journaled in dir, newest first. A missing dir
// holds no runs. Files that are not readable journals are skipped.
func ListRuns(dir string) ([]RunSummary, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Cause: CauseJournal, Value: dir, Err: err}
	}

	var runs []RunSummary
	for _, entry := range entries {
		runID, ok := strings.CutSuffix(entry.Name(), ".json")
		if !ok || entry.IsDir() || !validRunID(runID) {
			continue
		}

		j, err := readJournal(dir, runID)
		if err != nil {
			continue
		}
		runs = append(runs, j.summary())
	}

	slices.SortFunc(runs, func(a, b RunSummary) int {
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	return runs, nil
}

// LoadRun returns the summary of one run journaled in dir.
func LoadRun(dir, runID string) (RunSummary, error) {
	j, err := readJournal(dir, runID)
	if err != nil {
		return RunSummary{}, err
	}
	return j.summary(), nil
}

// journalVersion is the format version of journal files.
const journalVersion = 1

// journal is the on-disk record of one run: its plan, the IDs it has, the
// state of each step and what it created. It holds no secret.
type journal struct {
	Version   int       `json:"version"`
	RunID     string    `json:"runId"`
	Status    RunStatus `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`

	Plan  planRecord             `json:"plan"`
	State runState               `json:"state"`
	Steps map[StepID]*stepRecord `json:"steps"`
	// Resources lists what the run created, in creation order.
	Resources []Resource   `json:"resources"`
	LastError *errorRecord `json:"lastError,omitempty"`
}

type planRecord struct {
	Sandbox           sandboxRecord   `json:"sandbox"`
	Data              DataChoice      `json:"data"`
	DatasetID         string          `json:"datasetId,omitempty"`
	Mappings          []mappingRecord `json:"mappings,omitempty"`
	EventGroups       []string        `json:"eventGroups,omitempty"`
	ConfirmProduction bool            `json:"confirmProduction,omitempty"`
}

type sandboxRecord struct {
	Name      string `json:"name"`
	Title     string `json:"title,omitempty"`
	Type      string `json:"type,omitempty"`
	State     string `json:"state,omitempty"`
	Region    string `json:"region,omitempty"`
	IsDefault bool   `json:"isDefault,omitempty"`
}

type mappingRecord struct {
	SourceType  string `json:"sourceType"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
}

// runState holds the IDs the run has learned or created so far.
type runState struct {
	TenantID           string    `json:"tenantId,omitempty"`
	FieldGroupID       string    `json:"fieldGroupId,omitempty"`
	SchemaID           string    `json:"schemaId,omitempty"`        // schema of the mapping set
	DatasetID          string    `json:"datasetId,omitempty"`       // created or chosen
	DatasetSchemaID    string    `json:"datasetSchemaId,omitempty"` // the dataset's schemaRef
	MappingSetID       string    `json:"mappingSetId,omitempty"`
	MappingVersion     int       `json:"mappingVersion,omitempty"`
	SourceConnectionID string    `json:"sourceConnectionId,omitempty"`
	TargetConnectionID string    `json:"targetConnectionId,omitempty"`
	FlowID             string    `json:"flowId,omitempty"`
	FlowCreatedAt      time.Time `json:"flowCreatedAt,omitzero"`
	InletURL           string    `json:"inletUrl,omitempty"`
}

type stepRecord struct {
	State StepState `json:"state"`

	// StartedAt is the start of the step's first attempt. Once set, a create
	// call may have reached Adobe, so a later attempt looks the resource up
	// by name before creating it.
	StartedAt  *time.Time   `json:"startedAt,omitempty"`
	FinishedAt *time.Time   `json:"finishedAt,omitempty"`
	Error      *errorRecord `json:"error,omitempty"`
}

// errorRecord is a failure as the journal keeps it: causes, codes and the
// error text, which never holds a secret.
type errorRecord struct {
	Cause      Cause     `json:"cause"`
	AdobeCause aep.Cause `json:"adobeCause,omitempty"`
	Status     int       `json:"status,omitempty"`
	Code       string    `json:"code,omitempty"`
	RequestID  string    `json:"requestId,omitempty"`
	Message    string    `json:"message"`
}

func newErrorRecord(err error) *errorRecord {
	record := &errorRecord{Cause: CauseOf(err), Message: err.Error()}

	var adobe *aep.Error
	if errors.As(err, &adobe) {
		record.AdobeCause = adobe.Cause
		record.Status = adobe.Status
		record.Code = adobe.Code
		record.RequestID = adobe.RequestID
	}
	return record
}

func newJournal(plan Plan, now time.Time) *journal {
	j := &journal{
		Version:   journalVersion,
		RunID:     plan.RunID,
		Status:    RunRunning,
		CreatedAt: now,
		UpdatedAt: now,
		Plan: planRecord{
			Sandbox: sandboxRecord{
				Name:      plan.Sandbox.Name,
				Title:     plan.Sandbox.Title,
				Type:      plan.Sandbox.Type,
				State:     plan.Sandbox.State,
				Region:    plan.Sandbox.Region,
				IsDefault: plan.Sandbox.IsDefault,
			},
			Data:              plan.Data,
			DatasetID:         plan.DatasetID,
			EventGroups:       slices.Clone(plan.EventGroups),
			ConfirmProduction: plan.ConfirmProduction,
		},
		Steps: map[StepID]*stepRecord{},
	}
	for _, m := range plan.Mappings {
		j.Plan.Mappings = append(j.Plan.Mappings, mappingRecord(m))
	}
	for _, id := range plan.Steps() {
		j.Steps[id] = &stepRecord{State: Pending}
	}
	return j
}

// plan rebuilds the plan the journal was written for.
func (j *journal) plan() Plan {
	plan := Plan{
		RunID: j.RunID,
		Sandbox: aep.Sandbox{
			Name:      j.Plan.Sandbox.Name,
			Title:     j.Plan.Sandbox.Title,
			Type:      j.Plan.Sandbox.Type,
			State:     j.Plan.Sandbox.State,
			Region:    j.Plan.Sandbox.Region,
			IsDefault: j.Plan.Sandbox.IsDefault,
		},
		Data:              j.Plan.Data,
		DatasetID:         j.Plan.DatasetID,
		EventGroups:       slices.Clone(j.Plan.EventGroups),
		ConfirmProduction: j.Plan.ConfirmProduction,
	}
	for _, m := range j.Plan.Mappings {
		plan.Mappings = append(plan.Mappings, aep.Mapping(m))
	}
	plan.Resources = plannedResources(plan.Data, names(plan.RunID))
	return plan
}

func (j *journal) step(id StepID) *stepRecord {
	record, ok := j.Steps[id]
	if !ok {
		record = &stepRecord{State: Pending}
		j.Steps[id] = record
	}
	return record
}

// remaining returns the created resources not deleted yet, in creation order.
func (j *journal) remaining() []Resource {
	var out []Resource
	for _, r := range j.Resources {
		if r.DeletedAt == nil {
			out = append(out, r)
		}
	}
	return out
}

func (j *journal) result() Result {
	s := j.State
	return Result{
		RunID:         j.RunID,
		Sandbox:       j.Plan.Sandbox.Name,
		WebhookURL:    aep.WebhookURL(s.InletURL, s.FlowID),
		FlowID:        s.FlowID,
		InletURL:      s.InletURL,
		DatasetID:     s.DatasetID,
		SchemaID:      s.DatasetSchemaID,
		EventGroups:   slices.Clone(j.Plan.EventGroups),
		FlowCreatedAt: s.FlowCreatedAt,
		SendAfter:     s.FlowCreatedAt.Add(SendDelay),
	}
}

func (j *journal) summary() RunSummary {
	s := RunSummary{
		RunID:     j.RunID,
		Sandbox:   j.Plan.Sandbox.Name,
		Data:      j.Plan.Data,
		Status:    j.Status,
		CreatedAt: j.CreatedAt,
		UpdatedAt: j.UpdatedAt,
		Steps:     map[StepID]StepState{},
		Resources: slices.Clone(j.Resources),
	}
	for id, record := range j.Steps {
		s.Steps[id] = record.State
	}
	if j.Status == RunSucceeded {
		result := j.result()
		s.Result = &result
	}
	if j.LastError != nil {
		s.LastError = j.LastError.Cause
		s.LastAdobeError = j.LastError.AdobeCause
	}
	return s
}

func journalPath(dir, runID string) string {
	return filepath.Join(dir, runID+".json")
}

func readJournal(dir, runID string) (*journal, error) {
	if !validRunID(runID) {
		return nil, &Error{Cause: CauseRunNotFound, RunID: runID}
	}

	path := journalPath(dir, runID)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{Cause: CauseRunNotFound, RunID: runID, Value: path}
	}
	if err != nil {
		return nil, &Error{Cause: CauseJournal, RunID: runID, Value: path, Err: err}
	}

	var j journal
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, &Error{Cause: CauseJournal, RunID: runID, Value: path, Err: err}
	}
	if j.Version != journalVersion || j.RunID != runID {
		return nil, &Error{Cause: CauseJournal, RunID: runID, Value: path,
			Err: errors.New("unknown journal version or run ID")}
	}
	if j.Steps == nil {
		j.Steps = map[StepID]*stepRecord{}
	}
	return &j, nil
}

// writeJournal replaces the run's journal file atomically: it writes a
// temporary file in the same folder, syncs it and renames it over the old
// one, so a crash leaves either the old or the new journal, never half of
// one. The file is readable by its owner only.
func writeJournal(dir string, j *journal) error {
	path := journalPath(dir, j.RunID)
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return &Error{Cause: CauseJournal, RunID: j.RunID, Value: path, Err: err}
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &Error{Cause: CauseJournal, RunID: j.RunID, Value: path, Err: err}
	}

	tmp, err := os.CreateTemp(dir, j.RunID+".*.tmp")
	if err != nil {
		return &Error{Cause: CauseJournal, RunID: j.RunID, Value: path, Err: err}
	}
	tmpPath := tmp.Name()

	err = writeAndSync(tmp, data)
	if err == nil {
		err = os.Rename(tmpPath, path)
	}
	if err != nil {
		_ = os.Remove(tmpPath)
		return &Error{Cause: CauseJournal, RunID: j.RunID, Value: path, Err: err}
	}
	return nil
}

func writeAndSync(f *os.File, data []byte) error {
	// CreateTemp already creates the file with mode 0600; Chmod keeps that
	// true whatever the umask or platform.
	err := f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}
