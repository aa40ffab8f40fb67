package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// eventFiles contains one sample Customer.io reporting-webhook event per event group,
// named after the group (events/email.json). The values are made up: example.com
// addresses, fictional 555-01xx phone numbers and fake IDs. Like Customer.io's own test
// events, they have no data.identifiers.cio_id.
//
//go:embed events/*.json
var eventFiles embed.FS

// SampleEventGroups returns the event groups that have a sample event, sorted by name.
func SampleEventGroups() []string {
	// The go:embed pattern guarantees the directory exists, so ReadDir cannot fail.
	// Like every fs.ReadDirFS, it returns the entries sorted by file name.
	entries, _ := eventFiles.ReadDir("events")

	groups := make([]string, 0, len(entries))
	for _, entry := range entries {
		groups = append(groups, strings.TrimSuffix(entry.Name(), ".json"))
	}
	return groups
}

// SampleEvent returns the sample event of a Customer.io event group (the event's
// object_type, for example "in_app") as the JSON body Customer.io would POST.
// The caller may change the returned slice.
func SampleEvent(group string) ([]byte, error) {
	if group == "" || strings.ContainsAny(group, `/\.`) {
		return nil, fmt.Errorf("assets: invalid event group name %q", group)
	}

	body, err := fs.ReadFile(eventFiles, path.Join("events", group+".json"))
	if err != nil {
		return nil, fmt.Errorf("assets: no sample event for group %q: %w", group, err)
	}
	return body, nil
}
