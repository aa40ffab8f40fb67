package ui

import "github.com/cioaep/setup/flows/aep"

// state holds every value the user has entered or chosen. Screens read it when they are built
// and write it as the user types, so Back, Next and a language switch never lose a value.
type state struct {
	demo  bool
	creds aep.Credentials
}

func newState(opts Options) *state {
	return &state{demo: opts.Demo}
}
