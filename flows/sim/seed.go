package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mathrand "math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Seeded organization. The values look like real ones but are made up.
const (
	seedOrgID    = "5F3C1A2B6E8D4F0A7B9C0D1E@AdobeOrg"
	seedTenantID = "acmecorp"
	seedRegion   = "VA7"
)

// seed builds the simulated organization: one OAuth Server-to-Server
// credential, the sandboxes prod, dev and stage with a few schemas and datasets
// each, and opts.Datasets and opts.Schemas generated ones in prod.
func seed(opts Options) *state {
	now := opts.Now()
	ids := newSeedIDs()

	s := &state{
		orgID:         seedOrgID,
		tenantID:      seedTenantID,
		tokenLifetime: opts.TokenLifetime,
		credentials:   map[string]*credential{},
		tokens:        map[string]*token{},
		sandboxes:     map[string]*sandbox{},
		inlets:        map[string]*flow{},
		faults:        map[string][]Fault{},
		calls:         map[string]int{},
	}

	s.seeded = Credential{
		ClientID:     ids.hex(32),
		ClientSecret: "p8e-" + ids.hex(28),
		OrgID:        seedOrgID,
		Scopes:       platformScopes,
	}
	s.credentials[s.seeded.ClientID] = &credential{Credential: s.seeded}

	base := now.Add(-90 * 24 * time.Hour)
	for i, sb := range []*sandbox{
		newSandbox("prod", "Production", "production", true, base, ids.uuid()),
		newSandbox("dev", "Development", "development", false, base.Add(time.Hour), ids.uuid()),
		newSandbox("stage", "Staging", "development", false, base.Add(2*time.Hour), ids.uuid()),
	} {
		s.sandboxOrder = append(s.sandboxOrder, sb.name)
		s.sandboxes[sb.name] = sb
		seedSandbox(sb, ids, base.Add(time.Duration(i)*24*time.Hour))
	}

	prod := s.sandboxes["prod"]
	generateSchemas(prod, ids, opts.Schemas, base.Add(7*24*time.Hour))
	generateDatasets(prod, ids, opts.Datasets, base.Add(14*24*time.Hour))
	return s
}

// seedSandbox adds two field groups, an ExperienceEvent and a Profile schema,
// a dataset for each schema and one dataset without a schema.
func seedSandbox(sb *sandbox, ids *seedIDs, at time.Time) {
	tenant := tenantNamespace(seedTenantID)

	web := &fieldGroup{
		id:               ids.tenantURI("mixins"),
		title:            "Web interaction details",
		description:      "Page details recorded by the website.",
		version:          "1.1",
		intendedToExtend: []string{classExperienceEvent},
		definitions: map[string]any{
			"web": map[string]any{"properties": map[string]any{
				tenant: objectField("", map[string]any{
					"web": objectField("Web", map[string]any{
						"pageName": stringField("Page name", ""),
						"pageURL":  stringField("Page URL", ""),
					}),
				}),
			}},
		},
		allOf:     []any{map[string]any{"$ref": "#/definitions/web"}},
		createdAt: at,
		updatedAt: at,
		clientID:  "acp_ui_platform",
	}
	loyalty := &fieldGroup{
		id:               ids.tenantURI("mixins"),
		title:            "Loyalty details",
		description:      "Loyalty programme membership.",
		version:          "1.0",
		intendedToExtend: []string{classProfile},
		definitions: map[string]any{
			"loyalty": map[string]any{"properties": map[string]any{
				tenant: objectField("", map[string]any{
					"loyalty": objectField("Loyalty", map[string]any{
						"tier":   stringField("Tier", ""),
						"points": integerField("Points"),
					}),
				}),
			}},
		},
		allOf:     []any{map[string]any{"$ref": "#/definitions/loyalty"}},
		createdAt: at,
		updatedAt: at,
		clientID:  "acp_ui_platform",
	}
	for _, fg := range []*fieldGroup{web, loyalty} {
		fg.altID = altID(fg.id)
		sb.fieldGroups[fg.id] = fg
	}

	webEvents := &schema{
		id:          ids.tenantURI("schemas"),
		title:       "Web events",
		description: "Page views from the website.",
		version:     "1.2",
		class:       classExperienceEvent,
		refs:        []string{classExperienceEvent, web.id},
		createdAt:   at.Add(time.Hour),
		updatedAt:   at.Add(time.Hour),
		clientID:    "acp_ui_platform",
	}
	members := &schema{
		id:          ids.tenantURI("schemas"),
		title:       "Loyalty members",
		description: "Members of the loyalty programme.",
		version:     "1.0",
		class:       classProfile,
		refs:        []string{classProfile, loyalty.id},
		createdAt:   at.Add(time.Hour),
		updatedAt:   at.Add(time.Hour),
		clientID:    "acp_ui_platform",
	}
	for _, s := range []*schema{webEvents, members} {
		s.altID = altID(s.id)
		sb.schemas[s.id] = s
	}

	addDataset(sb, &dataset{
		id:        ids.hex(24),
		name:      "Web events dataset",
		schemaRef: &schemaRef{ID: webEvents.id, ContentType: "application/vnd.adobe.xed+json;version=1"},
		tags:      map[string][]string{"adobe/pqs/table": {"web_events_dataset"}},
		createdAt: at.Add(2 * time.Hour),
		updatedAt: at.Add(2 * time.Hour),
		clientID:  "acp_ui_platform",
	})
	addDataset(sb, &dataset{
		id:          ids.hex(24),
		name:        "Loyalty members dataset",
		description: "Profile records of loyalty members.",
		schemaRef:   &schemaRef{ID: members.id, ContentType: "application/vnd.adobe.xed+json;version=1"},
		tags:        map[string][]string{"adobe/pqs/table": {"loyalty_members_dataset"}},
		createdAt:   at.Add(3 * time.Hour),
		updatedAt:   at.Add(3 * time.Hour),
		clientID:    "acp_ui_platform",
	})
	addDataset(sb, &dataset{
		id:          ids.hex(24),
		name:        "Legacy file uploads",
		description: "Files uploaded before schemas were required. It has no schemaRef.",
		createdAt:   at.Add(4 * time.Hour),
		updatedAt:   at.Add(4 * time.Hour),
		clientID:    "acp_ui_platform",
	})
}

// generateSchemas adds count schemas titled "Generated schema 00001" and on,
// alternating between the ExperienceEvent and the Profile class.
func generateSchemas(sb *sandbox, ids *seedIDs, count int, at time.Time) {
	for i := range count {
		class := classExperienceEvent
		if i%2 == 1 {
			class = classProfile
		}
		s := &schema{
			id:        ids.tenantURI("schemas"),
			title:     fmt.Sprintf("Generated schema %05d", i+1),
			version:   "1.0",
			class:     class,
			refs:      []string{class},
			createdAt: at.Add(time.Duration(i) * time.Minute),
			clientID:  "acp_ui_platform",
		}
		s.updatedAt = s.createdAt
		s.altID = altID(s.id)
		sb.schemas[s.id] = s
	}
}

// generateDatasets adds count datasets named "Generated dataset 00001" and on.
// Each refers to a generated schema (or the seeded "Web events" schema when
// there are none), except every 50th, which has no schemaRef.
func generateDatasets(sb *sandbox, ids *seedIDs, count int, at time.Time) {
	var targets []string
	for _, s := range sb.schemas {
		if s.title != "Loyalty members" {
			targets = append(targets, s.id)
		}
	}
	slices.Sort(targets)

	for i := range count {
		d := &dataset{
			id:        ids.hex(24),
			name:      fmt.Sprintf("Generated dataset %05d", i+1),
			createdAt: at.Add(time.Duration(i) * time.Second),
			clientID:  "acp_ui_platform",
		}
		d.updatedAt = d.createdAt
		if (i+1)%50 != 0 && len(targets) > 0 {
			d.schemaRef = &schemaRef{ID: targets[i%len(targets)], ContentType: "application/vnd.adobe.xed+json;version=1"}
		}
		addDataset(sb, d)
	}
}

func addDataset(sb *sandbox, d *dataset) {
	sb.datasets[d.id] = d
	sb.datasetOrder = append(sb.datasetOrder, d)
}

// altID converts a tenant $id to its meta:altId, for example
// "https://ns.adobe.com/acmecorp/schemas/0ef4..." to "_acmecorp.schemas.0ef4...".
func altID(id string) string {
	const prefix = "https://ns.adobe.com/"
	rest := id[len(prefix):]
	out := []byte("_")
	for i := 0; i < len(rest); i++ {
		if rest[i] == '/' {
			out = append(out, '.')
		} else {
			out = append(out, rest[i])
		}
	}
	return string(out)
}

// seedIDs makes the seeded IDs from a fixed seed, so every simulator instance
// starts with the same organization.
type seedIDs struct {
	rng *mathrand.Rand
}

func newSeedIDs() *seedIDs {
	return &seedIDs{rng: mathrand.New(mathrand.NewPCG(0x5eed, 0xae9))}
}

func (g *seedIDs) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

func (g *seedIDs) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return uuid.UUID(b).String()
}

func (g *seedIDs) tenantURI(kind string) string {
	return "https://ns.adobe.com/" + seedTenantID + "/" + kind + "/" + g.hex(32)
}

// randomHex returns n random hex digits for IDs made at run time.
func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24.
	return hex.EncodeToString(b)[:n]
}

// newETag returns a quoted entity tag in the shape Flow Service uses,
// for example "\"4c01c003-0000-0200-0000-63ef57e10000\"".
func newETag(now time.Time) string {
	return fmt.Sprintf(`"%s-0000-0200-0000-%08x0000"`, randomHex(8), uint32(now.Unix()))
}
