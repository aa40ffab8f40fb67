package ui

import (
	"context"
	"log/slog"
	"sync"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/setup"
)

// profileClass is the XDM Individual Profile class, the usual class of schemas that hold
// people rather than events.
const profileClass = "https://ns.adobe.com/xdm/context/profile"

// classNames are the titles that Adobe's Experience Platform documentation gives the standard
// classes. Other classes, such as a tenant's own, are shown by their URI.
var classNames = map[string]string{
	aep.ExperienceEventClass: "XDM ExperienceEvent",
	profileClass:             "XDM Individual Profile",
}

// className returns the title of an XDM class, or its URI when the class has no known title.
func className(class string) string {
	if name, ok := classNames[class]; ok {
		return name
	}
	return class
}

// schemaClassReader reads the class of one schema. The dataset list needs it because the
// Schema Registry's summary listing (Accept: application/vnd.adobe.xed-id+json) returns each
// schema's $id, meta:altId, version and title, but not its meta:class. The Adobe session
// implements it; a Session without it leaves the check to LoadMapping.
type schemaClassReader interface {
	// SchemaClass returns the class of the schema, aep.ExperienceEventClass for any
	// ExperienceEvent schema, or "" when the schema names no class.
	SchemaClass(ctx context.Context, sandbox, schemaID string) (string, error)
}

// SchemaClass reads the schema to learn its class.
// NOTE: the only schema read flows/aep offers returns the whole resolved schema, which for
// a large Profile schema is much more than the class.
func (s *adobeSession) SchemaClass(ctx context.Context, sandbox, schemaID string) (string, error) {
	schema, err := s.client.Sandbox(sandbox).GetSchema(ctx, schemaID)
	if err != nil {
		return "", err
	}
	// An ExperienceEvent schema may name its class only in meta:extends.
	if setup.CheckSchema(schema) == nil {
		return aep.ExperienceEventClass, nil
	}
	return schema.Class, nil
}

// schemaClassReads is the number of schemas readSchemaClasses reads at the same time.
// NOTE: four is a guess, because Adobe publishes no rate limit for Schema Registry reads.
const schemaClassReads = 4

// readSchemaClasses returns the class of each schema in ids that could be read, by schema
// ID. A schema that cannot be read is logged and left out, because LoadMapping checks its
// class again once the user picks it. It stops early and returns the context's error when
// ctx ends.
func readSchemaClasses(ctx context.Context, reader schemaClassReader, sandbox string, ids []string, log *slog.Logger) (map[string]string, error) {
	var (
		mu      sync.Mutex
		classes = make(map[string]string, len(ids))
		wg      sync.WaitGroup
		next    = make(chan string)
	)

	for range min(schemaClassReads, len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				class, err := reader.SchemaClass(ctx, sandbox, id)
				if err != nil {
					if ctx.Err() == nil {
						log.Warn("reading a schema's class failed", "sandbox", sandbox, "schema", id, "err", err)
					}
					continue
				}
				mu.Lock()
				classes[id] = class
				mu.Unlock()
			}
		}()
	}

feed:
	for _, id := range ids {
		select {
		case next <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return classes, nil
}
