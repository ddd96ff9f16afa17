package httpapi

import (
	"errors"
	"net/http"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/bot/present"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// dashConvert: POST /dashboard/media/convert (value: a Convert button's)
// converts the media of a problem as the signed-in editor and shows the
// result in the web renderer, with the link to look at it.
func (s *Server) dashConvert(w http.ResponseWriter, r *http.Request, v *view) {
	req, ok := present.ParseConvertValue(r.PostFormValue("value"))
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "This Convert button is out of date; send the post again to get a new one.")
		return
	}
	out, err := s.deps.Converter.ConvertMedia(r.Context(), v.Caller, req)
	if err != nil {
		f := fault.Of(err, s.deps.Now())
		status := http.StatusUnprocessableEntity
		switch {
		case errors.Is(err, identity.ErrForbidden):
			status = http.StatusForbidden
		case f.Kind == fault.Internal:
			status = http.StatusInternalServerError
			zerolog.Ctx(r.Context()).Error().Err(err).Msg("dashboard: convert media")
		}
		v.Title, v.Data = "Not converted", s.chat.present.Web(present.Env{Loc: v.Loc, Now: s.deps.Now()}, f)
		s.render(w, r, status, "converted", v)
		return
	}
	v.Title, v.Data = "Converted", s.chat.present.Web(present.Env{Loc: v.Loc, Now: s.deps.Now()}, out)
	s.render(w, r, http.StatusOK, "converted", v)
}
