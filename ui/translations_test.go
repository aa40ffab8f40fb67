package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cioaep/setup/assets"
)

// translationSources are the folders whose non-test Go files use translation keys.
var translationSources = []string{".", "../app"}

// loadTranslationFile returns the key/value pairs of one embedded translation file.
func loadTranslationFile(t *testing.T, code string) map[string]string {
	t.Helper()

	data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + code + ".json")
	if err != nil {
		t.Fatalf("reading %s.json: %v", code, err)
	}
	var messages map[string]string
	if err := json.Unmarshal(data, &messages); err != nil {
		t.Fatalf("%s.json is not a flat object of strings: %v", code, err)
	}
	return messages
}

// sourceKeys returns the keys passed as literals to lang.L, lang.X, lang.N and lang.XN, and
// every other string literal, from the non-test Go files of the source folders.
func sourceKeys(t *testing.T) (calls, literals map[string]string) {
	t.Helper()

	calls = map[string]string{}
	literals = map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range translationSources {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatalf("parsing %s: %v", path, err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					if key, ok := langCallKey(n); ok {
						calls[key] = fset.Position(n.Pos()).String()
					}
				case *ast.BasicLit:
					if n.Kind == token.STRING {
						if value, err := strconv.Unquote(n.Value); err == nil {
							literals[value] = fset.Position(n.Pos()).String()
						}
					}
				}
				return true
			})
		}
	}
	return calls, literals
}

// langCallKey returns the key of a lang.L, lang.X, lang.N or lang.XN call with a literal key.
func langCallKey(call *ast.CallExpr) (string, bool) {
	selector, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) == 0 {
		return "", false
	}
	pkg, ok := selector.X.(*ast.Ident)
	if !ok || pkg.Name != "lang" {
		return "", false
	}
	switch selector.Sel.Name {
	case "L", "X", "N", "XN":
	default:
		return "", false
	}
	literal, ok := call.Args[0].(*ast.BasicLit)
	if !ok || literal.Kind != token.STRING {
		return "", false
	}
	key, err := strconv.Unquote(literal.Value)
	return key, err == nil
}

var templateField = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// templateFields returns the sorted template fields a message uses, such as [Count Step].
func templateFields(message string) []string {
	var fields []string
	for _, match := range templateField.FindAllStringSubmatch(message, -1) {
		if !slices.Contains(fields, match[1]) {
			fields = append(fields, match[1])
		}
	}
	slices.Sort(fields)
	return fields
}

func TestTranslationKeys(t *testing.T) {
	english := loadTranslationFile(t, English)
	spanish := loadTranslationFile(t, Spanish)
	calls, literals := sourceKeys(t)

	for key := range english {
		if _, ok := spanish[key]; !ok {
			t.Errorf("key %q is in en.json but missing from es.json", key)
		}
	}
	for key := range spanish {
		if _, ok := english[key]; !ok {
			t.Errorf("key %q is in es.json but missing from en.json", key)
		}
	}

	for key, position := range calls {
		if _, ok := english[key]; !ok {
			t.Errorf("%s: key %q is used but missing from en.json", position, key)
		}
		if _, ok := spanish[key]; !ok {
			t.Errorf("%s: key %q is used but missing from es.json", position, key)
		}
	}

	// Keys kept in tables, such as the message of each error cause, are plain literals. A
	// literal in a namespace the files use ("welcome.", "error.") must be a key.
	namespaces := map[string]bool{}
	for key := range english {
		namespace, _, _ := strings.Cut(key, ".")
		namespaces[namespace] = true
	}
	keyShape := regexp.MustCompile(`^[a-z]+(\.[a-z0-9_]+)+$`)
	for literal, position := range literals {
		namespace, _, _ := strings.Cut(literal, ".")
		if !keyShape.MatchString(literal) || !namespaces[namespace] {
			continue
		}
		if _, ok := english[literal]; !ok {
			t.Errorf("%s: %q looks like a translation key but is missing from en.json", position, literal)
		}
	}

	for _, key := range slices.Sorted(maps.Keys(english)) {
		if _, ok := literals[key]; !ok {
			t.Errorf("key %q is in the translation files but no code uses it", key)
		}
	}
}

func TestTranslationValues(t *testing.T) {
	english := loadTranslationFile(t, English)
	spanish := loadTranslationFile(t, Spanish)

	for key, en := range english {
		es, ok := spanish[key]
		if !ok {
			continue // reported by TestTranslationKeys
		}
		if strings.TrimSpace(en) == "" {
			t.Errorf("en.json: %q is empty", key)
		}
		if strings.TrimSpace(es) == "" {
			t.Errorf("es.json: %q is empty", key)
		}
		if got, want := templateFields(es), templateFields(en); !slices.Equal(got, want) {
			t.Errorf("%q: es.json uses template fields %v, en.json uses %v", key, got, want)
		}
	}
}

func TestTranslationFilesEmbedded(t *testing.T) {
	entries, err := assets.Translations.ReadDir(assets.TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, entry := range entries {
		names = append(names, entry.Name())
	}
	if want := []string{"en.json", "es.json"}; !slices.Equal(names, want) {
		t.Errorf("embedded translation files = %v, want %v", names, want)
	}
}
