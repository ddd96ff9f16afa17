package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/tools/publish"
)

// A page that fails half way is an error page, never half a page sent as
// a success: here the post page gets data of the wrong shape.
func TestRenderFailureIsAnErrorPage(t *testing.T) {
	t.Parallel()
	s := &Server{}
	w := httptest.NewRecorder()
	s.render(w, httptest.NewRequest("GET", "/dashboard/posts/p1", nil), http.StatusOK, "post", &view{Data: publish.PostView{ID: "p1"}})
	body := w.Body.String()
	if w.Code != http.StatusInternalServerError || !strings.Contains(body, "This page could not be shown") || strings.Contains(body, "Targets") {
		t.Fatalf("render of a failing page = %d:\n%s", w.Code, body)
	}
}
