package main

import (
	"bytes"
	"log"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/cioaep/setup/assets"
)

// unsetLocale unsets every variable that chooses the language of messages, for the test.
func unsetLocale(t *testing.T) {
	t.Helper()

	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

// translationErrors loads the translations and returns what Fyne logged about the locale.
func translationErrors(t *testing.T) string {
	t.Helper()

	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })

	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		t.Fatal(err)
	}
	return logged.String()
}

func TestCUTF8LocaleLoadsQuietly(t *testing.T) {
	unsetLocale(t)
	t.Setenv("LANG", "C.UTF-8")

	// Fyne itself complains about the C.UTF-8 locale, so the check below can fail.
	if logged := translationErrors(t); !strings.Contains(logged, "Error parsing user locale C") {
		t.Fatalf("without the fix, Fyne logged %q, want the locale error", logged)
	}

	englishForCLocale()
	if logged := translationErrors(t); logged != "" {
		t.Errorf("loading translations with LANG=C.UTF-8 logged %q, want nothing", logged)
	}
}

func TestEnglishForCLocale(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string // "" unsets the variable
		want       string
		wantLangOK bool
	}{
		{name: "C.UTF-8 in LANG", env: map[string]string{"LANG": "C.UTF-8"}, want: "en", wantLangOK: true},
		{name: "C.utf8 in LC_ALL", env: map[string]string{"LC_ALL": "C.utf8", "LANG": "es_ES.UTF-8"}, want: "en", wantLangOK: true},
		{name: "POSIX.UTF-8 in LC_MESSAGES", env: map[string]string{"LC_MESSAGES": "POSIX.UTF-8"}, want: "en", wantLangOK: true},
		{name: "plain C", env: map[string]string{"LANG": "C"}},
		{name: "Spanish locale", env: map[string]string{"LANG": "es_ES.UTF-8"}},
		{name: "Spanish wins over C.UTF-8 below it", env: map[string]string{"LC_ALL": "es_ES.UTF-8", "LANG": "C.UTF-8"}},
		{name: "LANGUAGE already set", env: map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "es"}, want: "es", wantLangOK: true},
		{name: "no locale", env: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unsetLocale(t)
			for name, value := range tt.env {
				t.Setenv(name, value)
			}

			englishForCLocale()

			got, ok := os.LookupEnv("LANGUAGE")
			if ok != tt.wantLangOK || got != tt.want {
				t.Errorf("LANGUAGE = %q (set %v), want %q (set %v)", got, ok, tt.want, tt.wantLangOK)
			}
		})
	}
}
