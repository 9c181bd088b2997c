package api

import (
	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors, on a registry of its own
// so tests (and several servers in one process) never collide.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	inflight   prometheus.Gauge
	analyses   *prometheus.CounterVec
	batchLines *prometheus.CounterVec
	batches    *prometheus.CounterVec
	ready      prometheus.Gauge
	panics     prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mindprint_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mindprint_http_request_duration_seconds",
			Help:    "Time from receiving a request to handing its answer to the server, by route pattern, method and status. Batch requests are measured to the end of their stream.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 120},
		}, []string{"route", "method", "status"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mindprint_http_requests_in_flight",
			Help: "Requests being handled now.",
		}),
		analyses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mindprint_analyses_total",
			Help: "Texts analysed, by the language they were scored as (und when undetermined).",
		}, []string{"language"}),
		batchLines: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mindprint_batch_lines_total",
			Help: "Lines of batch requests answered, by result (ok or error).",
		}, []string{"result"}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mindprint_batches_total",
			Help: "Batch requests, by outcome: complete, client_gone (the client disconnected) or timeout.",
		}, []string{"outcome"}),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mindprint_ready",
			Help: "1 once language models and lexicons are loaded and /readyz answers 200.",
		}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "mindprint_panics_total",
			Help: "Panics recovered while handling requests; each was answered as an internal error and logged with its request id.",
		}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.inflight, m.analyses, m.batchLines, m.batches, m.ready, m.panics,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}
