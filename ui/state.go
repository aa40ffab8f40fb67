package ui

import (
	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/existing"
	"github.com/cioaep/setup/flows/setup"
)

// state holds every value the user has entered or chosen. Screens read it when they are built
// and write it as the user types, so Back, Next and a language switch never lose a value.
type state struct {
	demo       bool
	backend    Backend
	journalDir string

	// store keeps credential profiles. storeProblem is the reason it is session-only, if it is.
	store        credentials.Store
	storeProblem *credentials.KeyringError

	// Credentials step. creds holds trimmed values.
	creds    aep.Credentials
	remember bool
	// demoCreds is the simulator's credential in demo mode, so Welcome can offer to restore
	// it once the user has edited creds.
	demoCreds aep.Credentials

	// session is the connection made with sessionCreds, nil until Connect succeeds.
	session      Session
	sessionCreds aep.Credentials
	// rememberErr is the error of saving the profile, shown on the sandbox step.
	rememberErr error

	// Sandbox step. lastSandbox is the name remembered from the previous visit.
	sandboxes     []aep.Sandbox
	sandbox       *aep.Sandbox
	lastSandbox   string
	sandboxFilter string

	// Data step.
	data            setup.DataChoice
	datasets        []DatasetChoice
	datasetsSandbox string
	dataset         *DatasetChoice
	datasetFilter   string
	mapping         *setup.MappingModel
	mappingDataset  string

	// Events step, by group machine name.
	events map[string]bool

	// Review step.
	confirmProduction bool
	plan              *setup.Plan
	planKey           string

	// Create step.
	run *runView

	// Done step.
	result *setup.Result

	// existingPath is set when the user chose Open existing setups on Welcome: the sandbox
	// step then leads to the existing-setups screen, and the header shows no step numbers.
	existingPath bool

	// Existing-setups screen: the setups listed from Adobe for setupsSandbox.
	setups        []existing.Setup
	setupsSandbox string

	// Health screen: the setup shown and its last reading, nil until read.
	healthSetup *existing.Setup
	health      *existing.Health

	// pendingRun is a journaled run the user chose on the existing-setups screen, continued
	// (or rolled back) once a session exists.
	pendingRun    string
	pendingDelete bool
}

func newState(opts Options) *state {
	s := &state{
		demo:    opts.Demo,
		backend: opts.Backend,
		store:   credentials.NewSessionStore(),
		data:    setup.ReadyMade,
		events:  map[string]bool{},
		creds:   aep.Credentials{Scopes: aep.DefaultScopes},

		journalDir: opts.JournalDir,
	}
	if opts.Demo {
		s.creds = opts.DemoCredentials
		s.demoCreds = opts.DemoCredentials
		if opts.DemoJournalDir != "" {
			s.journalDir = opts.DemoJournalDir
		}
	}
	for _, name := range customerio.GroupNames() {
		s.events[name] = true
	}
	return s
}

// chosenEvents returns the chosen event groups in catalogue order.
func (s *state) chosenEvents() []string {
	var chosen []string
	for _, name := range customerio.GroupNames() {
		if s.events[name] {
			chosen = append(chosen, name)
		}
	}
	return chosen
}

// setSandbox records the chosen sandbox and clears what depended on the previous one.
func (s *state) setSandbox(sb aep.Sandbox) {
	if s.sandbox != nil && s.sandbox.Name == sb.Name {
		s.sandbox = &sb
		return
	}
	s.sandbox = &sb
	s.datasets = nil
	s.datasetsSandbox = ""
	s.dataset = nil
	s.mapping = nil
	s.mappingDataset = ""
	s.confirmProduction = false
}

// disconnect drops the session and everything listed with it, because another credential
// may see other sandboxes.
func (s *state) disconnect() {
	s.session = nil
	s.sessionCreds = aep.Credentials{}
	s.sandboxes = nil
	s.datasets = nil
	s.datasetsSandbox = ""
	s.setups = nil
	s.setupsSandbox = ""
	s.healthSetup = nil
	s.health = nil
}
