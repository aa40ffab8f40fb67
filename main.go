// Command cio-aep-setup is a desktop wizard that connects Customer.io reporting webhooks to an
// Adobe Experience Platform streaming dataflow.
package main

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2/lang"

	"github.com/cioaep/setup/app"
	"github.com/cioaep/setup/assets"
)

func main() {
	// Translations load before anything else so that even flag errors can be translated.
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		fmt.Fprintln(os.Stderr, "cio-aep-setup: loading translations failed:", err)
	}

	os.Exit(app.Run(os.Args[1:]))
}
