package sim

import "net/http"

func (p *Platform) newGatewayHandler() http.Handler {
	return http.NotFoundHandler()
}
