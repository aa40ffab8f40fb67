package contract

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"net/http"
)

// responseCapture passes a response through to the real writer and keeps a
// copy of its status, headers and body for validation.
type responseCapture struct {
	http.ResponseWriter
	status   int
	header   http.Header // snapshot taken when the status was written
	body     bytes.Buffer
	hijacked bool
}

func (c *responseCapture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
		c.header = c.ResponseWriter.Header().Clone()
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *responseCapture) Write(data []byte) (int, error) {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	c.body.Write(data)
	return c.ResponseWriter.Write(data)
}

// Flush passes through so streaming handlers behave as without the recorder.
func (c *responseCapture) Flush() {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	if flusher, ok := c.ResponseWriter.(http.Flusher); ok {
		flusher.Flush()
	}
}

// Hijack passes through so a handler can still drop the connection, as the
// simulator does to inject a reset. Such an exchange has no response to check.
func (c *responseCapture) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hijacker, ok := c.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("contract recorder: the underlying ResponseWriter does not support hijacking")
	}
	conn, rw, err := hijacker.Hijack()
	if err == nil {
		c.hijacked = true
	}
	return conn, rw, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (c *responseCapture) Unwrap() http.ResponseWriter {
	return c.ResponseWriter
}

// statusOrDefault returns the written status, or 200 when the handler
// returned without writing anything, as net/http then sends.
func (c *responseCapture) statusOrDefault() int {
	if c.status == 0 {
		return http.StatusOK
	}
	return c.status
}

func (c *responseCapture) headerSnapshot() http.Header {
	if c.header == nil {
		return c.ResponseWriter.Header().Clone()
	}
	return c.header
}
