package sim_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cioaep/setup/flows/sim"
)

const (
	acceptSummary = "application/vnd.adobe.xed-id+json"
	acceptFull    = "application/vnd.adobe.xed-full+json; version=1"
)

type schemaPage struct {
	Results []struct {
		ID      string `json:"$id"`
		AltID   string `json:"meta:altId"`
		Version string `json:"version"`
		Title   string `json:"title"`
	} `json:"results"`
	Page struct {
		OrderBy string  `json:"orderby"`
		Next    *string `json:"next"`
		Count   int     `json:"count"`
	} `json:"_page"`
	Links struct {
		Next          *string `json:"next"`
		GlobalSchemas struct {
			Href string `json:"href"`
		} `json:"global_schemas"`
	} `json:"_links"`
}

func (s *session) getAccept(path, accept string) response {
	s.t.Helper()
	return s.call(http.MethodGet, path, nil, func(h http.Header) { h.Set("Accept", accept) })
}

func TestSchemaPaging(t *testing.T) {
	p := startPlatform(t, sim.Options{Schemas: 700})
	s := newSession(t, p)
	total := 700 + 2 // two seeded schemas

	var titles []string
	var pageSizes []int
	query := url.Values{"orderby": {"title"}, "limit": {"500"}}
	for {
		res := s.getAccept("/data/foundation/schemaregistry/tenant/schemas?"+query.Encode(), acceptSummary)
		mustStatus(t, res, http.StatusOK)
		var page schemaPage
		res.decode(t, &page)

		pageSizes = append(pageSizes, page.Page.Count)
		for _, r := range page.Results {
			titles = append(titles, r.Title)
			if !strings.HasPrefix(r.AltID, "_acmecorp.schemas.") {
				t.Errorf("meta:altId %q does not start with _acmecorp.schemas.", r.AltID)
			}
		}
		if page.Page.Next == nil {
			if page.Links.Next != nil {
				t.Errorf("_links.next = %q on the last page, want null", *page.Links.Next)
			}
			break
		}
		if page.Links.Next == nil || !strings.Contains(*page.Links.Next, "start=") {
			t.Errorf("_links.next = %v, want a URL with start", page.Links.Next)
		}
		query.Set("start", *page.Page.Next)
	}

	if len(titles) != total {
		t.Errorf("listed %d schemas, want %d", len(titles), total)
	}
	if !slices.IsSorted(titles) {
		t.Error("titles are not in ascending order")
	}
	if len(slices.Compact(slices.Clone(titles))) != len(titles) {
		t.Error("a schema appears twice")
	}
	if want := []int{300, 300, 102}; !slices.Equal(pageSizes, want) {
		t.Errorf("page sizes = %v, want %v (300 at most per page)", pageSizes, want)
	}
}

func TestSchemaListDescending(t *testing.T) {
	p := startPlatform(t, sim.Options{Schemas: 5})
	s := newSession(t, p)

	res := s.getAccept("/data/foundation/schemaregistry/tenant/schemas?orderby=-title&limit=2", acceptSummary)
	mustStatus(t, res, http.StatusOK)
	var page schemaPage
	res.decode(t, &page)
	if len(page.Results) != 2 || page.Results[0].Title != "Web events" {
		t.Fatalf("first page = %+v, want Web events first", page.Results)
	}

	res = s.getAccept("/data/foundation/schemaregistry/tenant/schemas?orderby=-title&limit=2&start="+url.QueryEscape(*page.Page.Next), acceptSummary)
	mustStatus(t, res, http.StatusOK)
	var second schemaPage
	res.decode(t, &second)
	if len(second.Results) != 2 || second.Results[0].Title != "Generated schema 00005" {
		t.Errorf("second page = %+v, want Generated schema 00005 first", second.Results)
	}

	mustStatus(t, s.getAccept("/data/foundation/schemaregistry/tenant/schemas?limit=2", acceptSummary), http.StatusBadRequest)
}

func TestSchemaTitleFilter(t *testing.T) {
	p := startPlatform(t, sim.Options{Schemas: 50})
	s := newSession(t, p)

	query := url.Values{"property": {"title==Loyalty members"}}
	res := s.getAccept("/data/foundation/schemaregistry/tenant/schemas?"+query.Encode(), acceptSummary)
	mustStatus(t, res, http.StatusOK)
	var page schemaPage
	res.decode(t, &page)
	if len(page.Results) != 1 || page.Results[0].Title != "Loyalty members" {
		t.Errorf("title filter returned %+v", page.Results)
	}

	query = url.Values{"property": {"meta:extends==https://ns.adobe.com/xdm/context/experienceevent"}}
	res = s.getAccept("/data/foundation/schemaregistry/tenant/schemas?"+query.Encode(), acceptSummary)
	mustStatus(t, res, http.StatusOK)
	res.decode(t, &page)
	if len(page.Results) != 26 {
		t.Errorf("ExperienceEvent filter returned %d schemas, want 26 (25 generated and Web events)", len(page.Results))
	}
}

func TestSchemaLookupResolved(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	query := url.Values{"property": {"title==Web events"}}
	res := s.getAccept("/data/foundation/schemaregistry/tenant/schemas?"+query.Encode(), acceptSummary)
	var page schemaPage
	res.decode(t, &page)
	web := page.Results[0]

	for _, id := range []string{web.AltID, url.PathEscape(web.ID)} {
		res := s.getAccept("/data/foundation/schemaregistry/tenant/schemas/"+id, acceptFull)
		mustStatus(t, res, http.StatusOK)

		var full struct {
			ID         string         `json:"$id"`
			Class      string         `json:"meta:class"`
			Properties map[string]any `json:"properties"`
			Required   []string       `json:"required"`
		}
		res.decode(t, &full)
		if full.ID != web.ID {
			t.Errorf("$id = %q, want %q", full.ID, web.ID)
		}
		if full.Class != "https://ns.adobe.com/xdm/context/experienceevent" {
			t.Errorf("meta:class = %q", full.Class)
		}
		for _, field := range []string{"_id", "timestamp", "_acmecorp"} {
			if _, ok := full.Properties[field]; !ok {
				t.Errorf("resolved schema has no %s field", field)
			}
		}
		tenant, _ := full.Properties["_acmecorp"].(map[string]any)
		if !strings.Contains(toJSON(tenant), "pageName") {
			t.Errorf("tenant fields %v lack the field group's pageName", tenant)
		}
		if !slices.Contains(full.Required, "timestamp") {
			t.Errorf("required = %v, want timestamp in it", full.Required)
		}
	}

	res = s.getAccept("/data/foundation/schemaregistry/tenant/schemas/"+web.AltID, "application/vnd.adobe.xed+json; version=1")
	mustStatus(t, res, http.StatusOK)
	raw := res.object(t)
	if _, ok := raw["properties"]; ok {
		t.Error("xed+json lookup returned resolved properties")
	}
	if allOf, _ := raw["allOf"].([]any); len(allOf) != 2 {
		t.Errorf("allOf = %v, want the class and one field group", raw["allOf"])
	}

	res = s.getAccept("/data/foundation/schemaregistry/tenant/schemas/"+web.AltID, "application/vnd.adobe.xed-full-notext+json; version=1")
	mustStatus(t, res, http.StatusOK)
	if strings.Contains(string(res.body), `"title"`) {
		t.Error("notext lookup still has titles")
	}

	res = s.getAccept("/data/foundation/schemaregistry/tenant/schemas/_acmecorp.schemas.missing", acceptFull)
	mustStatus(t, res, http.StatusNotFound)
	if typ := res.object(t)["type"]; typ != "http://ns.adobe.com/aep/errors/XDM-1012-404" {
		t.Errorf("type = %v", typ)
	}
}

func TestSchemaCreateAndDelete(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Delete check")

	res := s.getAccept("/data/foundation/schemaregistry/tenant/schemas/"+url.PathEscape(df.schemaID), acceptFull)
	mustStatus(t, res, http.StatusOK)
	if !strings.Contains(string(res.body), "unixTime") {
		t.Error("created schema does not resolve the field group's fields")
	}

	query := url.Values{"property": {"title==Delete check fields"}}
	res = s.getAccept("/data/foundation/schemaregistry/tenant/fieldgroups?"+query.Encode(), acceptSummary)
	mustStatus(t, res, http.StatusOK)
	var fieldGroups schemaPage
	res.decode(t, &fieldGroups)
	if len(fieldGroups.Results) != 1 || fieldGroups.Results[0].ID != df.fieldGroupID {
		t.Errorf("field group look-up by title = %+v, want %s", fieldGroups.Results, df.fieldGroupID)
	}
	if !strings.Contains(df.fieldGroupID, "/mixins/") {
		t.Errorf("field group $id %q does not use the /mixins/ path", df.fieldGroupID)
	}

	res = s.post("/data/foundation/schemaregistry/tenant/schemas", map[string]any{
		"title": "Delete check schema", "type": "object",
		"allOf": []any{map[string]any{"$ref": "https://ns.adobe.com/xdm/context/experienceevent"}},
	})
	mustStatus(t, res, http.StatusBadRequest)

	del := func(path string) response {
		return s.call(http.MethodDelete, path, nil, nil)
	}
	schemaPath := "/data/foundation/schemaregistry/tenant/schemas/" + url.PathEscape(df.schemaID)
	fieldGroupPath := "/data/foundation/schemaregistry/tenant/fieldgroups/" + url.PathEscape(df.fieldGroupID)

	mustStatus(t, del(schemaPath), http.StatusBadRequest)     // the dataset uses it
	mustStatus(t, del(fieldGroupPath), http.StatusBadRequest) // the schema uses it

	mustStatus(t, del("/data/foundation/flowservice/flows/"+df.flowID), http.StatusNoContent)
	mustStatus(t, del("/data/foundation/conversion/mappingSets/"+df.mappingID), http.StatusNoContent)
	mustStatus(t, del("/data/foundation/flowservice/targetConnections/"+df.targetID), http.StatusNoContent)
	mustStatus(t, del("/data/foundation/flowservice/sourceConnections/"+df.sourceID), http.StatusNoContent)
	mustStatus(t, del("/data/foundation/catalog/dataSets/"+df.datasetID), http.StatusOK)
	mustStatus(t, del(schemaPath), http.StatusNoContent)
	mustStatus(t, del(fieldGroupPath), http.StatusNoContent)
	mustStatus(t, del(schemaPath), http.StatusNotFound)

	if inv := p.Inventory(); len(inv) != 0 {
		t.Errorf("inventory after rollback = %+v, want empty", inv)
	}
}

func TestFieldGroupOutsideTenantNamespace(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	res := s.post("/data/foundation/schemaregistry/tenant/fieldgroups", map[string]any{
		"title":                 "Loose fields",
		"type":                  "object",
		"meta:intendedToExtend": []string{"https://ns.adobe.com/xdm/context/experienceevent"},
		"definitions": map[string]any{
			"loose": map[string]any{"properties": map[string]any{"metric": map[string]any{"type": "string"}}},
		},
	})
	mustStatus(t, res, http.StatusBadRequest)
	if !strings.Contains(string(res.body), "_acmecorp") {
		t.Errorf("error %s does not name the tenant namespace", res.body)
	}
}
