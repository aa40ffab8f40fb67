package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// mapperErrorCode is the run error code for a record that does not fit the
// flow's mapping. Adobe's monitoring docs show MAPPER-3700-400 in run errors.
// NOTE: the simulator uses this one code for every mapping failure, but the real
// service may use others for type errors.
const mapperErrorCode = "MAPPER-3700-400"

// MappingError is the reason one accepted event fails the flow's mapping.
type MappingError struct {
	Code        string // for example "MAPPER-3700-400"
	Destination string // the XDM field, for example "_id"
	Message     string
}

// mapEvent applies a mapping set to one event, as Data Prep would, and
// returns the errors that make the record fail. It checks that every
// required field of the class gets a value and that each value fits the
// type of its field. Expressions are not evaluated: one gets a value when
// every attribute it names is present.
func mapEvent(ms *mappingSet, s *schema, fields map[string]fieldType, event any) []MappingError {
	fail := func(destination, format string, args ...any) MappingError {
		return MappingError{Code: mapperErrorCode, Destination: destination, Message: fmt.Sprintf(format, args...)}
	}

	record, ok := event.(map[string]any)
	if !ok {
		return []MappingError{fail("", "the record is not a JSON object")}
	}

	var errs []MappingError
	filled := map[string]bool{}
	for _, m := range ms.mappings {
		value, present, missingPath := mappingValue(m, record)
		if !present {
			if slices.Contains(classRequired[s.class], m.destination) {
				errs = append(errs, fail(m.destination, "required field %s has no value: source %s is missing", m.destination, missingPath))
			}
			continue
		}
		filled[m.destination] = true

		if m.sourceType == sourceAttribute || m.sourceType == sourceStatic {
			if err := checkValueType(value, fields[m.destination], m.destination); err != "" {
				errs = append(errs, fail(m.destination, "%s", err))
			}
		}
	}

	for _, field := range classRequired[s.class] {
		if !filled[field] && !slices.ContainsFunc(errs, func(e MappingError) bool { return e.Destination == field }) {
			errs = append(errs, fail(field, "required field %s has no mapping", field))
		}
	}
	return errs
}

// mappingValue returns the value a mapping produces for a record. When there
// is none, missingPath names the source attribute that is absent.
func mappingValue(m mapping, record map[string]any) (value any, present bool, missingPath string) {
	switch m.sourceType {
	case sourceStatic:
		return m.source, true, ""
	case sourceExpression:
		for _, path := range expressionAttributes(m.source) {
			if v, ok := lookupPath(record, path); !ok || v == nil {
				return nil, false, path
			}
		}
		return m.source, true, ""
	}

	v, ok := lookupPath(record, m.source)
	if !ok || v == nil {
		return nil, false, m.source
	}
	return v, true, ""
}

// lookupPath returns the value at a dotted path such as "data.identifiers.id".
// A numeric segment indexes an array.
func lookupPath(record map[string]any, path string) (any, bool) {
	var current any = record
	for segment := range strings.SplitSeq(path, ".") {
		switch node := current.(type) {
		case map[string]any:
			v, ok := node[segment]
			if !ok {
				return nil, false
			}
			current = v
		case []any:
			i, err := strconv.Atoi(segment)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			current = node[i]
		default:
			return nil, false
		}
	}
	return current, true
}

// expressionAttributes returns the attribute paths an expression reads: the
// identifiers outside string literals that are not function names, numbers
// or the literals true, false and null.
func expressionAttributes(expr string) []string {
	var attrs []string
	runes := []rune(expr)
	for i := 0; i < len(runes); {
		r := runes[i]
		switch {
		case r == '"' || r == '\'':
			end := i + 1
			for end < len(runes) && runes[end] != r {
				end++
			}
			i = end + 1

		case unicode.IsLetter(r) || r == '_':
			end := i
			for end < len(runes) && (unicode.IsLetter(runes[end]) || unicode.IsDigit(runes[end]) || runes[end] == '_' || runes[end] == '.') {
				end++
			}
			word := strings.TrimSuffix(string(runes[i:end]), ".")
			next := end
			for next < len(runes) && runes[next] == ' ' {
				next++
			}
			isCall := next < len(runes) && runes[next] == '('
			if !isCall && word != "true" && word != "false" && word != "null" && !slices.Contains(attrs, word) {
				attrs = append(attrs, word)
			}
			i = end

		default:
			i++
		}
	}
	return attrs
}

// checkValueType reports whether a JSON value fits an XDM field type. Data Prep
// converts numbers and numeric strings both ways, so only values that cannot
// convert fail.
func checkValueType(value any, kind fieldType, destination string) string {
	switch kind {
	case "string":
		switch value.(type) {
		case map[string]any, []any:
			return fmt.Sprintf("field %s expects a string, but the source value is a %s", destination, jsonKind(value))
		}
	case "integer", "number":
		switch v := value.(type) {
		case float64:
			if kind == "integer" && v != float64(int64(v)) {
				return fmt.Sprintf("field %s expects an integer, but the source value is %v", destination, v)
			}
		case string:
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return fmt.Sprintf("field %s expects a number, but the source value %q is not numeric", destination, v)
			}
		default:
			return fmt.Sprintf("field %s expects a number, but the source value is a %s", destination, jsonKind(value))
		}
	case "boolean":
		switch v := value.(type) {
		case bool:
		case string:
			if v != "true" && v != "false" {
				return fmt.Sprintf("field %s expects a boolean, but the source value is %q", destination, v)
			}
		default:
			return fmt.Sprintf("field %s expects a boolean, but the source value is a %s", destination, jsonKind(value))
		}
	case "object":
		if _, ok := value.(map[string]any); !ok {
			return fmt.Sprintf("field %s expects an object, but the source value is a %s", destination, jsonKind(value))
		}
	case "array":
		if _, ok := value.([]any); !ok {
			return fmt.Sprintf("field %s expects an array, but the source value is a %s", destination, jsonKind(value))
		}
	}

	if destination == "timestamp" {
		if s, ok := value.(string); ok {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return fmt.Sprintf("field timestamp expects an RFC 3339 date-time, but the source value is %q", s)
			}
		}
	}
	return ""
}

func jsonKind(value any) string {
	switch value.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}
