package sandbox

import "net/http"

// Protocols are what a server of the sandbox speaks: HTTP/1.1 (curl, a
// browser on the consent pages) and HTTP/2 without TLS (h2c, with prior
// knowledge). The platforms serve HTTP/2, where calls to one host share a
// few connections; over h2c the sandbox is reached the same way, so a load
// test measures the platform's latency rather than a cap on HTTP/1.1
// connections.
func Protocols() *http.Protocols {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return &p
}

// ClientProtocols are what a client of a sandbox speaks: HTTP/2 only, h2c
// for an http:// sandbox and HTTP/2 over TLS for an https:// one (a
// Transport speaks h2c only when HTTP/1.1 is left out).
func ClientProtocols() *http.Protocols {
	var p http.Protocols
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	return &p
}
