// Package app starts the wizard: flags, the Fyne app and window, and the wiring.
package app

import (
	"flag"
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/assets"
)

// ID is the application ID, used for Preferences, the keyring service and the config folder.
const ID = "io.github.cioaep.setup"

// Run parses the command line, opens the main window and blocks until it closes.
// It returns the process exit code.
func Run(args []string) int {
	flags := flag.NewFlagSet("cio-aep-setup", flag.ContinueOnError)
	demo := flags.Bool("demo", false, "start with the simulated platform; nothing is created in Adobe")
	if err := flags.Parse(args); err != nil {
		return 2
	}

	a := fyneapp.NewWithID(ID)
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Customer.io AEP Setup")
	text := "Welcome"
	if *demo {
		text = "Welcome (demo)"
	}
	w.SetContent(widget.NewLabel(text))
	w.ShowAndRun()
	fmt.Fprintln(os.Stderr, "cio-aep-setup: window closed")
	return 0
}
