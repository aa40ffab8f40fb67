package ui

import (
	"fmt"
	"os"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/cioaep/setup/assets"
)

// Language codes of the translations the wizard ships. An empty code means "follow the
// operating system".
const (
	English = "en"
	Spanish = "es"
)

// PrefLanguage is the Preferences key that stores the language chosen on the Welcome screen.
const PrefLanguage = "language"

// languageCodeKey is a translation whose value is the code of its own file, so the wizard can
// check which language lang really picked.
const languageCodeKey = "language.code"

var (
	languageMu sync.Mutex

	// originalLanguage is $LANGUAGE as the process started, restored when the user goes back to
	// following the operating system.
	originalLanguage, originalLanguageSet = os.LookupEnv("LANGUAGE")
)

// ValidLanguage reports whether code names a shipped translation or is empty (follow the OS).
func ValidLanguage(code string) bool {
	return code == "" || code == English || code == Spanish
}

// CurrentLanguage returns the code of the language lang.L translates into right now.
func CurrentLanguage() string {
	if lang.L(languageCodeKey) == Spanish {
		return Spanish
	}
	return English
}

// SetLanguage reloads the translations so that later lang.L calls use code, or the operating
// system's language when code is empty. Widgets built before the call keep their old text, so
// the caller rebuilds the window content afterwards.
//
// Fyne 2.7.1 has no public setter for the language: lang picks it from the OS every time
// translations are added. On Linux the OS locale is read from the environment, where $LANGUAGE
// wins unless the locale is C or POSIX. Elsewhere (macOS and Windows ask the OS) the chosen
// file is loaded again under the other language's tag too, so either match yields it.
func SetLanguage(code string) error {
	if !ValidLanguage(code) {
		return fmt.Errorf("unknown language %q: want %q or %q", code, English, Spanish)
	}

	languageMu.Lock()
	defer languageMu.Unlock()

	setLanguageEnv(code)
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		return fmt.Errorf("loading translations: %w", err)
	}
	if code == "" || CurrentLanguage() == code {
		return nil
	}

	data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + code + ".json")
	if err != nil {
		return fmt.Errorf("reading %s translations: %w", code, err)
	}
	for _, tag := range []string{English, Spanish} {
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(tag)); err != nil {
			return fmt.Errorf("loading %s translations for %s: %w", code, tag, err)
		}
	}
	return nil
}

// setLanguageEnv points $LANGUAGE at code, or restores it when code is empty.
func setLanguageEnv(code string) {
	if code == "" {
		if originalLanguageSet {
			os.Setenv("LANGUAGE", originalLanguage)
		} else {
			os.Unsetenv("LANGUAGE")
		}
		return
	}

	os.Setenv("LANGUAGE", code)

	// gettext, and go-locale after it, ignore $LANGUAGE when the locale is exactly C or POSIX,
	// the default in many containers. The variable that decides is the first one set.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		value := os.Getenv(name)
		if value == "" {
			continue
		}
		if value == "C" || value == "POSIX" {
			os.Setenv(name, code)
		}
		break
	}
}
