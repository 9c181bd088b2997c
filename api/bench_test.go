package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/mindprint/mindprint/classifier"
)

// BenchmarkAnalyzeHandler measures POST /v1/analyze through the whole app
// (routing, middleware, JSON in and out, logging, metrics) without the
// network, next to BenchmarkAnalyzeLibrary, the analysis alone: the
// difference is what the HTTP layer costs per request.
func BenchmarkAnalyzeHandler(b *testing.B) {
	s := newTestServer(b, nil, Deps{})
	h := s.App().Handler()
	texts := []string{reviewEN, reviewFI, reviewPL, reviewLV}
	bodies := make([][]byte, len(texts))
	for i, t := range texts {
		bodies[i] = []byte(jsonBody(b, map[string]string{"id": fmt.Sprint(i), "text": t}))
	}
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI("/v1/analyze")
		ctx.Request.Header.SetContentType("application/json")
		ctx.Request.SetBody(bodies[i%len(bodies)])
		h(&ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
		i++
	}
}

func BenchmarkAnalyzeLibrary(b *testing.B) {
	an := testAnalyzer(b)
	texts := []string{reviewEN, reviewFI, reviewPL, reviewLV}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := an.Analyze(classifier.Input{Text: texts[i%len(texts)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBatch measures a 200-line batch through the app, streaming
// included; lines/s is the figure to compare.
func BenchmarkBatch(b *testing.B) {
	s := newTestServer(b, nil, Deps{})
	texts := []string{reviewEN, reviewFI, reviewPL, reviewLV}
	var body strings.Builder
	const lines = 200
	for i := range lines {
		body.WriteString(jsonBody(b, map[string]string{"id": fmt.Sprint(i), "text": texts[i%len(texts)]}))
		body.WriteByte('\n')
	}
	r := req{method: "POST", path: "/v1/analyze/batch", contentType: NDJSONContentType, body: body.String()}
	b.ReportAllocs()
	for b.Loop() {
		if a := do(b, s.App(), r); a.status != 200 {
			b.Fatalf("status %d", a.status)
		}
	}
	b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
}
