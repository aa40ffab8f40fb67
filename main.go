// Command cio-aep-setup is a desktop wizard that connects Customer.io reporting webhooks to an
// Adobe Experience Platform streaming dataflow.
package main

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/cioaep/setup/app"
	"github.com/cioaep/setup/assets"
)

func main() {
	// Translations load before anything else so that even flag errors can be translated.
	englishForCLocale()
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		fmt.Fprintln(os.Stderr, "cio-aep-setup: loading translations failed:", err)
	}

	os.Exit(app.Run(os.Args[1:]))
}

// englishForCLocale sets $LANGUAGE to English when $LANGUAGE is unset and the locale is C or
// POSIX with a codeset, such as C.UTF-8, the default of many containers. Fyne 2.7.1 reads the
// language "C" from such a locale and logs "Error parsing user locale C" each time it loads
// translations, unless $LANGUAGE names a language. The C locale stands for untranslated
// messages, which in this app are English. Plain C and POSIX need nothing, because Fyne
// falls back to English for them without an error.
func englishForCLocale() {
	if _, set := os.LookupEnv("LANGUAGE"); set {
		return
	}

	// The first of these that is set decides the language of messages.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		value := os.Getenv(name)
		if value == "" {
			continue
		}
		if strings.HasPrefix(value, "C.") || strings.HasPrefix(value, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
