package sim

import "net/http"

func (p *Platform) newIMSHandler() http.Handler {
	return http.NotFoundHandler()
}
