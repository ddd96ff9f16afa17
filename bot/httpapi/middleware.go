package httpapi

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// series keeps each route, method and status's pair of series, so a
	// request costs two atomic adds instead of two label lookups; at most
	// maxSeries pairs are kept (methods are whatever clients send).
	series sync.Map // seriesKey → routeSeries
	kept   atomic.Int64
}

type seriesKey struct {
	route, method string
	status        int
}

type routeSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

const maxSeries = 1024

// observe counts one request of route answered with status after d.
func (m *httpMetrics) observe(route, method string, status int, d time.Duration) {
	k := seriesKey{route, method, status}
	v, ok := m.series.Load(k)
	if !ok {
		st := strconv.Itoa(status)
		rs := routeSeries{m.requests.WithLabelValues(route, method, st), m.duration.WithLabelValues(route, st)}
		if m.kept.Load() < maxSeries {
			if _, loaded := m.series.LoadOrStore(k, rs); !loaded {
				m.kept.Add(1)
			}
		}
		v = rs
	}
	rs := v.(routeSeries)
	rs.requests.Inc()
	rs.duration.Observe(d.Seconds())
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mm_http_requests_total",
			Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mm_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "status"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// validRequestID says whether a client's X-Request-Id is sane to log and
// echo: 1 to 64 of A-Z a-z 0-9 . _ -.
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// middleware adds, around every request: a request id (kept from
// X-Request-Id when sane), panic recovery, metrics by route pattern and one
// log line. The log line has the path without its query: OAuth callbacks
// carry codes and states there.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		log := s.log.With().Str("request_id", id).Logger()
		r = r.WithContext(log.WithContext(r.Context()))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error().Str("panic", fmt.Sprint(p)).Bytes("stack", debug.Stack()).Msg("http: handler panicked")
				if sw.status == 0 {
					writeError(sw, http.StatusInternalServerError, "internal", "internal error (request "+id+")")
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			s.metrics.observe(route, r.Method, sw.status, time.Since(start))
			level := zerolog.InfoLevel
			switch {
			case sw.status >= 500:
				level = zerolog.ErrorLevel
			case route == "/healthz" || route == "/readyz" || route == "GET /metrics":
				level = zerolog.DebugLevel
			}
			log.WithLevel(level).Str("method", r.Method).Str("path", r.URL.Path).Str("route", route).
				Int("status", sw.status).Int("bytes", sw.bytes).Dur("duration", time.Since(start)).Msg("http request")
		}()
		next.ServeHTTP(sw, r)
	})
}

// newRequestID is 16 hex digits from the runtime's fast generator: an id
// to find a request's log lines by, not a secret, so no system call.
func newRequestID() string {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], rand.Uint64())
	return hex.EncodeToString(b[:])
}
