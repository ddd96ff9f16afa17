package httpapi

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
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

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// middleware adds, around every request: a request id (kept from
// X-Request-Id when sane), panic recovery, metrics by route pattern and one
// log line. The log line has the path without its query: OAuth callbacks
// carry codes and states there.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
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
			status := strconv.Itoa(sw.status)
			s.metrics.requests.WithLabelValues(route, r.Method, status).Inc()
			s.metrics.duration.WithLabelValues(route, status).Observe(time.Since(start).Seconds())
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
