package aep

import (
	"context"
	"net/http"
	"strconv"
)

const sandboxBasePath = "/data/foundation/sandbox-management"

// sandboxPageSize is the sandbox API's default and the size asked for.
const sandboxPageSize = 50

// maxSandboxPages stops a listing whose pages never end. Adobe caps an org
// far below 50 × 100 sandboxes.
const maxSandboxPages = 100

type sandboxPage struct {
	Sandboxes []struct {
		Name      string `json:"name"`
		Title     string `json:"title"`
		Type      string `json:"type"`
		State     string `json:"state"`
		Region    string `json:"region"`
		IsDefault bool   `json:"isDefault"`
	} `json:"sandboxes"`
}

// ListSandboxes returns the sandboxes available to the credential, active
// or not. It uses the listing that needs no sandbox administration
// permission and sends no x-sandbox-name.
func (c *Client) ListSandboxes(ctx context.Context) ([]Sandbox, error) {
	var all []Sandbox
	seen := make(map[string]bool)

	for page := range maxSandboxPages {
		// The API rejects limit without offset and offset without limit.
		r, _ := newRequest("ListSandboxes", http.MethodGet, sandboxBasePath+"/", nil)
		r.query.Set("limit", strconv.Itoa(sandboxPageSize))
		r.query.Set("offset", strconv.Itoa(page*sandboxPageSize))

		var p sandboxPage
		if err := c.do(ctx, r, &p); err != nil {
			return nil, err
		}

		for _, s := range p.Sandboxes {
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			all = append(all, Sandbox{
				Name:      s.Name,
				Title:     s.Title,
				Type:      s.Type,
				State:     s.State,
				Region:    s.Region,
				IsDefault: s.IsDefault,
			})
		}

		if len(p.Sandboxes) < sandboxPageSize {
			break
		}
	}
	return all, nil
}

// request returns a gateway request that carries the sandbox header.
func (s *SandboxClient) request(op, method, path string, body any) (*request, error) {
	r, err := newRequest(op, method, path, body)
	if err != nil {
		return nil, err
	}
	r.sandbox = s.name
	return r, nil
}
